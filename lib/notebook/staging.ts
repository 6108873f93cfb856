/**
 * A notebook that runs the splitter or the cleanser creates staged files holding raw personal
 * values; it deletes them at its end (GDPR Art. 5(1)(e)), as `npm start` does with its purge
 * stage, so that running a notebook never leaves personal data behind. Only the stage the
 * notebook ran is purged: manifests and quality profiles stay.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PERSONAL_STAGING_FILES } from "../privacy/staging";

/** Deletes the personal files of `<stagingDir>/<stage>`; returns the deleted paths relative to stagingDir, in order. */
export function purgeStage(stagingDir: string, stage: "split" | "clean"): string[] {
  const deleted: string[] = [];
  for (const name of PERSONAL_STAGING_FILES) {
    const file = path.join(stagingDir, stage, name);
    if (fs.existsSync(file)) {
      fs.rmSync(file);
      deleted.push(`${stage}/${name}`);
    }
  }
  return deleted;
}

/** The personal files of a stage that exist now (to show that none is left). */
export function personalFilesLeft(stagingDir: string, stage: "split" | "clean"): string[] {
  return PERSONAL_STAGING_FILES.filter((name) => fs.existsSync(path.join(stagingDir, stage, name))).map((name) => `${stage}/${name}`);
}
