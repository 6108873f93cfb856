/**
 * One thread of the rule pool (rulePool.ts): builds the stage's rule set from the same context
 * (the source profile's date formats and phone country) and cleans the slices it is sent with
 * ruleBatch.ts `cleanBatch`, as the main thread would.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { RuleName } from "./missingValuePolicy";
import { cleanBatch } from "./ruleBatch";
import { ruleSet, type RuleContext } from "./rules/index";

export interface RuleSliceMessage {
  id: number;
  rule: RuleName;
  raws: string[];
  contexts: (string | null)[];
}

const rules = ruleSet(workerData as RuleContext);

parentPort!.on("message", (m: RuleSliceMessage) => {
  try {
    parentPort!.postMessage({ id: m.id, ...cleanBatch(rules[m.rule], m.raws, m.contexts) });
  } catch (error) {
    parentPort!.postMessage({ id: m.id, error: error instanceof Error ? error.message : String(error) });
  }
});
