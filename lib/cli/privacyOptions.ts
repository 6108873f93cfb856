import type { KeyStore } from "../privacy/keystore";
import { openKeyStore } from "../privacy/keystore";
import { erasedCustomerMatcher, privacyDirFor, rectificationSource } from "../privacy/ledgers";
import type { PipelineConfig } from "./pipeline";

/** The options each stage needs to apply the privacy ledgers (for lib/cli/pipeline.ts too). */
export function privacyStageOptions(cfg: PipelineConfig, keyStore: (() => KeyStore) | undefined = cfg.keyStore) {
  const privacyDir = privacyDirFor(cfg.stagingDir);
  let store: KeyStore | undefined;
  const lazyStore = keyStore ?? (() => (store ??= openKeyStore({ log: cfg.log })));
  return {
    privacyDir,
    /** splitExport({ ..., erasedCustomers }) */
    erasedCustomers: erasedCustomerMatcher(privacyDir, lazyStore),
    /** cleanseStaging({ ..., rectifications }) */
    rectifications: rectificationSource(privacyDir, lazyStore),
    keyStore: lazyStore,
  };
}

