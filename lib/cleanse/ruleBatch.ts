/**
 * One batch of distinct raw values through a rule, in Arquero: the cleaned value and the issue of
 * each, in the batch's order. The same function runs on the main thread (applyRules.ts) and in
 * the rule workers (rulePool.ts), so a value's cleaning does not depend on where it ran.
 */
import * as aq from "arquero";
import type { Rule } from "./rules/index";

export interface CleanedBatch {
  values: (string | null)[];
  issues: (string | null)[];
}

export function cleanBatch(rule: Rule, raws: readonly string[], contexts: readonly (string | null)[]): CleanedBatch {
  const batch = aq
    .table({ raw: raws as string[], ctx: contexts as (string | null)[] })
    .derive({ cleaned: aq.escape((d: { raw: string; ctx: string | null }) => rule(d.raw, d.ctx)) })
    .derive({
      value: aq.escape((d: { cleaned: { value: string | null } }) => d.cleaned.value),
      issue: aq.escape((d: { cleaned: { issue: string | null } }) => d.cleaned.issue),
    });
  return { values: batch.array("value") as (string | null)[], issues: batch.array("issue") as (string | null)[] };
}
