import * as path from "node:path";
import { projectRoot } from "../io/paths";

/** One step inside a stage: the time between the log message before it and the one that closes it. */
export interface TimedStep {
  label: string;
  seconds: number;
}

/** A log message of a stage and when it was printed, in seconds since the stage's process started. */
export interface LogMark {
  at: number;
  message: string;
}

/** Label of the time before the stage's first message: starting Node and loading the code. */
export const START_UP = "start-up";

/**
 * Where a stage's time goes, read from its own progress messages: each message closes the step
 * that ran since the previous one (`warehouse: fact_sales done` closes the fact_sales load), so
 * the interval before it is that step's time. Repeated labels are summed; the `top` longest are
 * kept, longest first. Labels lose the stage prefix and a trailing " done", and any path becomes
 * relative to the project (or its base name outside it): the report holds no absolute path.
 * The stage's own start (`▶ stage`) closes the start-up; the time after its last message, until
 * it returned, is labelled `after <that message>` (work that logs nothing, such as final writes).
 */
export function stepsFromLog(marks: readonly LogMark[], totalSeconds: number, stage: string, top = 5): TimedStep[] {
  const byLabel = new Map<string, number>();
  let previous = 0;
  let last = START_UP;
  const add = (label: string, until: number) => {
    byLabel.set(label, (byLabel.get(label) ?? 0) + Math.max(0, until - previous));
    previous = Math.max(previous, until);
  };
  for (const m of marks) {
    const text = m.message.trim();
    if (text.startsWith("▶ ")) add(START_UP, m.at);
    else if (text.startsWith("✔ ")) add(`after ${last}`, m.at);
    else add((last = stepLabel(text, stage)), m.at);
  }
  add(`after ${last}`, totalSeconds);
  return [...byLabel.entries()]
    .map(([label, seconds]) => ({ label, seconds: Math.round(seconds * 10) / 10 }))
    .filter((s) => s.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds || a.label.localeCompare(b.label))
    .slice(0, top);
}

export function stepLabel(message: string, stage: string): string {
  let label = message.trim().replace(/\s+/g, " ");
  if (label.startsWith(`${stage}: `)) label = label.slice(stage.length + 2);
  label = label.replace(/ done$/, "");
  const root = projectRoot() + path.sep;
  return label.replace(/(?<![\w.])\/[^\s"'(),]+/g, (p) => (p.startsWith(root) ? path.relative(projectRoot(), p) : `…/${path.basename(p)}`));
}
