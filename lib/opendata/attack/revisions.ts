/**
 * The previous release still online. An additive figure published in both with different values
 * reveals the change exactly (an erasure, a late correction: a difference of contributors). Where the
 * two releases agree on every figure they both publish for a scope, concept and period, the
 * intruder takes that group as unchanged: each of its cells is the same unknown in both releases,
 * so a cell published then and hidden now is known, and both releases' relations bind it.
 */
import { rangeKey } from "./periods";
import { IntruderSystem, sameValue } from "./system";

export interface Revision {
  current: number;
  previous: number;
  difference: number;
  halfWidth: number;
}

export function compareReleases(system: IntruderSystem): { revisions: Revision[]; unifiedGroups: number; changedGroups: number } {
  const groups = new Map<string, { pairs: [number, number][]; compared: number; changed: boolean }>();
  const revisions: Revision[] = [];
  for (const v of system.variables) {
    if (v.release !== "current" || v.complementOf || !system.isRoot(v.id)) continue;
    const p = system.variableOf("previous", v.figure);
    if (p === undefined) continue;
    const key = [v.figure.scope, v.concept, rangeKey(v.figure.period)].join("\u0001");
    const group = groups.get(key) ?? { pairs: [], compared: 0, changed: false };
    group.pairs.push([v.id, p]);
    const pv = system.variables[p];
    if (v.published !== null && pv.published !== null) {
      group.compared++;
      if (!sameValue(v.published, v.halfUnit, pv.published, pv.halfUnit)) {
        group.changed = true;
        // Only a sum is a difference of contributors; a changed median or ratio is not.
        if (v.additive) revisions.push({ current: v.id, previous: p, difference: v.published - pv.published, halfWidth: v.halfUnit + pv.halfUnit });
      }
    }
    groups.set(key, group);
  }
  let unifiedGroups = 0;
  let changedGroups = 0;
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!;
    if (group.changed) {
      changedGroups++;
      continue;
    }
    // Agreement needs evidence: at least one figure published in both.
    if (group.compared === 0) continue;
    unifiedGroups++;
    for (const [c, p] of group.pairs) system.merge(c, p, "previous release");
  }
  return { revisions, unifiedGroups, changedGroups };
}
