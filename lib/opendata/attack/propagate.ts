/**
 * The cheap attacks, run to a fixpoint before any linear programme: differencing (a relation
 * with one unknown left gives it exactly, up to the rounding of the published terms) and bound
 * propagation (each constraint narrows each of its unknowns from the others' bounds; integer
 * unknowns are rounded inward, which can pin a count). Each bound remembers the constraint that
 * set it, for the derivation, and the kinds of knowledge behind it.
 */
import { bit, IntruderSystem, type Constraint, type KnowledgeKind } from "./system";
import type { AttackKind } from "./types";

export interface SideReason {
  /** The constraint that set the bound, or -1 for a fact about the unknown itself. */
  constraint: number;
  attack: AttackKind;
  mask: number;
}

export interface Propagation {
  lower: Float64Array;
  upper: Float64Array;
  /** 1: published or pinned by differencing; treated as a known interval by the LP. */
  determined: Uint8Array;
  lowerWhy: (SideReason | null)[];
  upperWhy: (SideReason | null)[];
  /** The constraints of the tiers in use. */
  active: number[];
  infeasible: string | null;
}

const SUM_KINDS = new Set(["margin", "period", "scope"]);

function kindBit(c: Constraint): number {
  return bit(c.kind as KnowledgeKind) | (c.fromPrevious ? bit("previous-release") : 0);
}

export function propagate(system: IntruderSystem, tierLimit: number): Propagation {
  const n = system.variables.length;
  const lower = new Float64Array(n).fill(-Infinity);
  const upper = new Float64Array(n).fill(Infinity);
  const determined = new Uint8Array(n);
  const lowerWhy: (SideReason | null)[] = new Array(n).fill(null);
  const upperWhy: (SideReason | null)[] = new Array(n).fill(null);
  let infeasible: string | null = null;

  for (const v of system.variables) {
    if (!system.isRoot(v.id) || v.published === null) continue;
    lower[v.id] = v.published - v.halfUnit;
    upper[v.id] = v.published + v.halfUnit;
    determined[v.id] = 1;
    const why: SideReason = { constraint: -1, attack: "same-figure", mask: bit("published") };
    lowerWhy[v.id] = why;
    upperWhy[v.id] = why;
  }
  for (const f of system.facts) {
    if (f.tier > tierLimit) continue;
    const why: SideReason = { constraint: -1, attack: "none", mask: bit(f.kind) };
    if (f.lower !== undefined && f.lower > lower[f.v]) {
      if (determined[f.v] && f.lower > upper[f.v] + 1e-9 * Math.max(1, Math.abs(f.lower))) {
        infeasible ??= `${system.variables[f.v].name} is published below its ${f.kind} bound`;
        continue;
      }
      if (!determined[f.v]) {
        lower[f.v] = f.lower;
        lowerWhy[f.v] = why;
      }
    }
    if (f.upper !== undefined && f.upper < upper[f.v] && !determined[f.v]) {
      upper[f.v] = f.upper;
      upperWhy[f.v] = why;
    }
  }
  for (const v of system.variables) {
    if (!v.integer || !system.isRoot(v.id) || determined[v.id]) continue;
    // `+ 0` turns the -0 that ceil gives for a slightly negative bound into 0.
    if (Number.isFinite(lower[v.id])) lower[v.id] = Math.ceil(lower[v.id] - 1e-6) + 0;
    if (Number.isFinite(upper[v.id])) upper[v.id] = Math.floor(upper[v.id] + 1e-6) + 0;
  }

  const active: number[] = [];
  const touching: number[][] = Array.from({ length: n }, () => []);
  system.constraints.forEach((c, i) => {
    if (c.tier > tierLimit) return;
    active.push(i);
    for (const t of c.terms) touching[t.v].push(i);
  });

  const queue: number[] = [...active];
  const queued = new Uint8Array(system.constraints.length);
  for (const i of active) queued[i] = 1;
  let visits = 0;
  const maxVisits = 60 * active.length + 10_000;

  const enqueueAround = (v: number, except: number): void => {
    for (const ci of touching[v]) {
      if (ci !== except && !queued[ci]) {
        queued[ci] = 1;
        queue.push(ci);
      }
    }
  };

  const tighten = (v: number, xl: number, xu: number, ci: number, why: SideReason): void => {
    const variable = system.variables[v];
    let mask = why.mask;
    if (variable.integer) {
      const rl = Number.isFinite(xl) ? Math.ceil(xl - 1e-6) + 0 : xl;
      const ru = Number.isFinite(xu) ? Math.floor(xu + 1e-6) + 0 : xu;
      if (rl - xl > 1e-6 || xu - ru > 1e-6) mask |= bit("integrality");
      xl = rl;
      xu = ru;
    }
    const width = upper[v] - lower[v];
    const slack = (x: number): number => Math.max(1e-9 * Math.max(1, Math.abs(x)), Number.isFinite(width) ? 1e-6 * width : 0);
    let changed = false;
    if (xl > lower[v] + (Number.isFinite(lower[v]) ? slack(lower[v]) : 0)) {
      lower[v] = xl;
      lowerWhy[v] = { ...why, mask };
      changed = true;
    }
    if (xu < upper[v] - (Number.isFinite(upper[v]) ? slack(upper[v]) : 0)) {
      upper[v] = xu;
      upperWhy[v] = { ...why, mask };
      changed = true;
    }
    if (lower[v] > upper[v]) {
      const gap = lower[v] - upper[v];
      if (gap <= 1e-7 * Math.max(1, Math.abs(lower[v]))) {
        const mid = (lower[v] + upper[v]) / 2;
        lower[v] = mid;
        upper[v] = mid;
      } else {
        infeasible ??= `${variable.name} has no value left after ${system.constraints[ci].label}`;
      }
    }
    if (variable.integer && lower[v] === upper[v] && !determined[v]) determined[v] = 1;
    if (changed) enqueueAround(v, ci);
  };

  let head = 0;
  while (head < queue.length && infeasible === null && visits < maxVisits) {
    const ci = queue[head++];
    queued[ci] = 0;
    visits++;
    const c = system.constraints[ci];
    let minAct = 0;
    let maxAct = 0;
    let minInf = 0;
    let maxInf = 0;
    let undetermined = 0;
    let last = -1;
    let othersMask = 0;
    const lows: number[] = [];
    const highs: number[] = [];
    for (const t of c.terms) {
      const lo = t.a > 0 ? t.a * lower[t.v] : t.a * upper[t.v];
      const hi = t.a > 0 ? t.a * upper[t.v] : t.a * lower[t.v];
      lows.push(lo);
      highs.push(hi);
      if (lo === -Infinity) minInf++;
      else minAct += lo;
      if (hi === Infinity) maxInf++;
      else maxAct += hi;
      if (!determined[t.v]) {
        undetermined++;
        last = t.v;
      }
      othersMask |= (lowerWhy[t.v]?.mask ?? 0) | (upperWhy[t.v]?.mask ?? 0);
    }
    const tolerance = 1e-7 * Math.max(1, Math.abs(minAct), Math.abs(maxAct));
    if ((minInf === 0 && minAct > c.hi + tolerance) || (maxInf === 0 && maxAct < c.lo - tolerance)) {
      infeasible = `the published values contradict ${c.label}`;
      break;
    }
    if (undetermined === 0) continue;
    const pinning = SUM_KINDS.has(c.kind) && undetermined === 1;
    let attack: AttackKind = c.kind === "ratio" ? "ratio" : "bounds";
    if (pinning) {
      const others = c.terms.filter((t) => t.v !== last);
      const zeros = others.filter((t) => system.variables[t.v].published === 0).length;
      if (c.kind === "scope") attack = "scope-complement";
      else if (zeros === others.length - 1 && c.absentTerms + zeros >= 1 && others.length >= 1) attack = "single-child";
      else attack = "differencing";
    }
    const wasDetermined = pinning ? determined[last] : 1;
    c.terms.forEach((t, k) => {
      if (determined[t.v]) return;
      const restMin = minInf - (lows[k] === -Infinity ? 1 : 0) > 0 ? -Infinity : minAct - (lows[k] === -Infinity ? 0 : lows[k]);
      const restMax = maxInf - (highs[k] === Infinity ? 1 : 0) > 0 ? Infinity : maxAct - (highs[k] === Infinity ? 0 : highs[k]);
      const axLo = c.lo === -Infinity || restMax === Infinity ? -Infinity : c.lo - restMax;
      const axHi = c.hi === Infinity || restMin === -Infinity ? Infinity : c.hi - restMin;
      const xl = t.a > 0 ? axLo / t.a : axHi / t.a;
      const xu = t.a > 0 ? axHi / t.a : axLo / t.a;
      tighten(t.v, xl, xu, ci, { constraint: ci, attack, mask: kindBit(c) | othersMask });
    });
    // Credit the pin to this relation even when integer rounding already closed the interval.
    if (pinning && infeasible === null && !wasDetermined) {
      determined[last] = 1;
      const why: SideReason = { constraint: ci, attack, mask: kindBit(c) | othersMask };
      lowerWhy[last] = why;
      upperWhy[last] = why;
      enqueueAround(last, ci);
    }
  }
  if (visits >= maxVisits) system.warnings.push(`bound propagation stopped after ${visits} steps; the linear programme finishes the work`);
  return { lower, upper, determined, lowerWhy, upperWhy, active, infeasible };
}
