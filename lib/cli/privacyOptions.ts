import type { KeyStore } from "../privacy/keystore";
import { openKeyStore } from "../privacy/keystore";
import { erasedCustomerMatcher, rectificationSource } from "../privacy/ledgers";
import { privacyDirOf, type PipelineConfig } from "./config";

/** The options each stage needs to apply the privacy ledgers (for lib/cli/pipeline.ts too). */
export function privacyStageOptions(cfg: PipelineConfig, keyStore: (() => KeyStore) | undefined = cfg.keyStore) {
  const privacyDir = privacyDirOf(cfg);
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
