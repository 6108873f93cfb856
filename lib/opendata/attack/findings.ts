/**
 * From the solved system to findings: for each hidden cell of the current release and each
 * implied complement, the interval, the attack credited with it and a derivation that names
 * relations and tables (never a value: a derivation may go into reports/).
 */
import type { CellVars } from "./figures";
import type { LpIntervals } from "./lp";
import type { Propagation, SideReason } from "./propagate";
import { IntruderSystem, kindsOf } from "./system";
import type { AttackKind, CellFinding, ComplementFinding } from "./types";

interface Solved {
  lower: number;
  upper: number;
  attack: AttackKind;
  derivation: string;
  uses: string[];
  exact: boolean;
}

function sideText(system: IntruderSystem, why: SideReason | null, side: "lower" | "upper"): string | null {
  if (!why) return null;
  if (why.constraint < 0) {
    const kinds = kindsOf(why.mask).filter((k) => k !== "published");
    return kinds.length > 0 ? `${side} bound from ${kinds.join(", ")}` : null;
  }
  return `${side} bound from ${system.constraints[why.constraint].label}`;
}

const TOLERANCE = 1e-6;

function tighter(lp: number, prop: number, side: "lower" | "upper"): boolean {
  if (!Number.isFinite(lp)) return false;
  if (!Number.isFinite(prop)) return true;
  const gap = side === "lower" ? lp - prop : prop - lp;
  return gap > TOLERANCE * Math.max(1, Math.abs(prop));
}

export function solvedInterval(system: IntruderSystem, prop: Propagation, lp: LpIntervals | null, v: number): Solved {
  const variable = system.variables[v];
  const lowerWhy = prop.lowerWhy[v];
  const upperWhy = prop.upperWhy[v];
  const mask = (lowerWhy?.mask ?? 0) | (upperWhy?.mask ?? 0);
  if (variable.published !== null && variable.publishedBy) {
    const by = variable.publishedBy;
    const table = system.tables[by.table];
    const cell = `${table.dataset}[${table.rows[by.row].codes.join(",")}].${by.field}`;
    const previous = table.release === "previous";
    return {
      lower: prop.lower[v],
      upper: prop.upper[v],
      attack: previous ? "previous-release" : "same-figure",
      derivation: previous
        ? `published in the previous release as ${cell}, in a group of figures both releases publish identically`
        : `the same figure is published as ${cell}`,
      uses: previous ? ["previous-release"] : ["same-figure"],
      exact: true,
    };
  }
  if (prop.determined[v] && lowerWhy && lowerWhy === upperWhy && lowerWhy.constraint >= 0) {
    const c = system.constraints[lowerWhy.constraint];
    const derived = c.terms.filter((t) => t.v !== v && system.variables[t.v].published === null).length;
    return {
      lower: prop.lower[v],
      upper: prop.upper[v],
      attack: lowerWhy.attack,
      derivation: `${lowerWhy.attack}: ${c.label}${derived > 0 ? `, with ${derived} figure(s) themselves derived` : ""}`,
      uses: kindsOf(mask),
      exact: true,
    };
  }
  const lpLower = lp?.lower.get(v);
  const lpUpper = lp?.upper.get(v);
  if (lpLower !== undefined && lpUpper !== undefined && (tighter(lpLower, prop.lower[v], "lower") || tighter(lpUpper, prop.upper[v], "upper"))) {
    const group = lp!.group.get(v)!;
    return {
      lower: lpLower,
      upper: lpUpper,
      attack: "linear-programme",
      derivation: `linear programme (min and max) over ${group.unknowns} unknowns and ${group.constraints} constraints (${kindsOf(group.mask)
        .filter((k) => k !== "published")
        .join(", ")})${group.datasets.length > 0 ? ` of ${group.datasets.join(", ")}` : ""}`,
      uses: kindsOf(group.mask | mask),
      exact: !lp!.inexact.has(v),
    };
  }
  const lower = lpLower !== undefined ? Math.max(lpLower, prop.lower[v]) : prop.lower[v];
  const upper = lpUpper !== undefined ? Math.min(lpUpper, prop.upper[v]) : prop.upper[v];
  const byConstraint = [lowerWhy, upperWhy].filter((w): w is SideReason => w !== null && w.constraint >= 0);
  let attack: AttackKind = "none";
  if (byConstraint.some((w) => w.attack === "ratio")) attack = "ratio";
  else if (byConstraint.length > 0 || (Number.isFinite(lower) && Number.isFinite(upper))) attack = "bounds";
  const sides = [sideText(system, lowerWhy, "lower"), sideText(system, upperWhy, "upper")].filter((x): x is string => x !== null);
  return {
    lower,
    upper,
    attack,
    derivation: sides.length > 0 ? sides.join("; ") : "no published figure narrows it",
    uses: kindsOf(mask),
    exact: lp === null || !lp.inexact.has(v),
  };
}

/** -0 reads as a sign in a report; an interval bound of zero is 0. */
function unsigned(x: number): number {
  return x === 0 ? 0 : x;
}

export function cellFindings(system: IntruderSystem, cellVars: CellVars, prop: Propagation, lp: LpIntervals | null): CellFinding[] {
  const findings: CellFinding[] = [];
  system.tables.forEach((table, t) => {
    if (table.release !== "current") return;
    table.rows.forEach((row, r) => {
      for (const m of table.control.measures) {
        if (row.values[m.field] !== null) continue;
        const cell = system.variables[cellVars[t][r][m.field]];
        const v = system.find(cell.id);
        const solved = solvedInterval(system, prop, lp, v);
        const key: Record<string, string> = {};
        table.control.dimensions.forEach((d, i) => (key[d.field] = row.codes[i]));
        findings.push({
          kind: "cell",
          dataset: table.dataset,
          key,
          measure: m.field,
          concept: m.concept ?? m.field,
          integer: m.integer === true,
          figure: cell.figure,
          ...solved,
          lower: unsigned(solved.lower),
          upper: unsigned(solved.upper),
        });
      }
    });
  });
  return findings;
}

export function complementFindings(system: IntruderSystem, prop: Propagation, lp: LpIntervals | null): ComplementFinding[] {
  const findings: ComplementFinding[] = [];
  for (const v of system.variables) {
    if (v.release !== "current" || !v.complementOf || !system.isRoot(v.id)) continue;
    const solved = solvedInterval(system, prop, lp, v.id);
    findings.push({ kind: "complement", figure: v.figure, concept: v.concept, integer: v.integer, relation: v.complementOf, ...solved, lower: unsigned(solved.lower), upper: unsigned(solved.upper) });
  }
  return findings;
}
