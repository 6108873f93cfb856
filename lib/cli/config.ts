/**
 * Where a run reads and writes. Its own module, imported by the pipeline and by every stage
 * adapter (privacyOptions.ts, opendataStage.ts), so that none of them imports the pipeline back.
 */
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import type { KeyStore } from "../privacy/keystore";
import { privacyDirFor } from "../privacy/ledgers";
import { loadProfile, SourceProfile } from "../raw/profile";

/** Input and profile come from the command line; tests and benchmark sandboxes build their own. */
export interface PipelineConfig {
  input: string;
  profile: SourceProfile;
  stagingDir: string;
  warehouseDir: string;
  opendataDir: string;
  reportsDir: string;
  /**
   * The rights ledgers, the key ring and the rights audit log (default: `privacy/` beside the
   * staging directory, i.e. outputs/privacy). A run's transaction stages its outputs elsewhere but
   * always reads and writes these where they live: they are the operator's records, not outputs.
   */
  privacyDir?: string;
  log: (message: string) => void;
  /** The key store, opened on first use (a first run creates it); tests and sandboxes inject theirs. */
  keyStore?: () => KeyStore;
  /** Open Data: keep published figures final (default), or withdraw the current release to revise it (lib/opendata/revisions.ts). */
  revisions?: "final" | "withdraw-previous";
}

export function defaultConfig(overrides: { input?: string; profile?: string; log?: (m: string) => void; withdrawPrevious?: boolean } = {}): PipelineConfig {
  const root = projectRoot();
  return {
    input: path.resolve(overrides.input ?? path.join(root, "data", "raw", "export.csv.gz")),
    profile: loadProfile(overrides.profile ?? "default"),
    stagingDir: path.join(root, "outputs", "staging"),
    warehouseDir: path.join(root, "outputs", "warehouse"),
    opendataDir: path.join(root, "outputs", "opendata"),
    reportsDir: path.join(root, "reports"),
    log: overrides.log ?? ((m) => console.log(m)),
    revisions: overrides.withdrawPrevious ? "withdraw-previous" : "final",
  };
}

/** The directory of the ledgers and the audit log for this configuration. */
export function privacyDirOf(cfg: Pick<PipelineConfig, "privacyDir" | "stagingDir">): string {
  return cfg.privacyDir ?? privacyDirFor(cfg.stagingDir);
}
