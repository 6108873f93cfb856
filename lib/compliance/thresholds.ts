/**
 * Every value of lib/policy.ts, flattened, with the rule it implements and where that rule comes
 * from: the table the monitoring document and notebook 00 show. Values are read from the policy
 * object, never typed here; a policy value without a description below is an error, so a new
 * threshold cannot reach the code without reaching the monitoring document.
 */
import { POLICY, type DeepReadonly, type Policy } from "../policy";

export interface ThresholdRow {
  /** Dotted path in POLICY. */
  key: string;
  value: string;
  rule: string;
  source: string;
}

const DESCRIPTIONS: Record<string, { rule: string; source: string }> = {
  "fieldLength.textChars": { rule: "Longest free text a raw field may hold (characters); a longer one rejects its row", source: "Project choice (issue 26: bounded work per input byte)" },
  "fieldLength.emailChars": { rule: "Longest email address (characters)", source: "RFC 5321 §4.5.3.1.3 (254 characters)" },
  "fieldLength.phoneChars": { rule: "Longest phone number as typed (characters)", source: "ITU-T E.164 (15 digits) plus formatting" },
  "fieldLength.postalCodeChars": { rule: "Longest postal code (characters)", source: "UPU S42 (at most 10 characters) plus stray spaces" },
  "fieldLength.codeChars": { rule: "Longest identifier (order, customer, product, supplier, carrier, warehouse id)", source: "Project choice" },
  "fieldLength.dateChars": { rule: "Longest date as typed (characters)", source: "Project choice (longest strptime shape: 25)" },
  "fieldLength.numberChars": { rule: "Longest number as typed (characters)", source: "Project choice" },
  "fieldLength.enumChars": { rule: "Longest country or enumerated value as typed (characters)", source: "Project choice" },
  "statisticalConfidentiality.frequency.minContributors.person": {
    rule: "Minimum distinct contributors of a published cell describing natural persons (customers)",
    source: "DGFiP practice for aggregates on natural persons (tax secrecy): answer to written question n° 28351, Assemblée nationale, XIVe législature; applied to customers by the project's choice",
  },
  "statisticalConfidentiality.frequency.minContributors.business": {
    rule: "Minimum distinct contributors of a published cell describing businesses (suppliers, carriers, business customers)",
    source: "INSEE, Manuel de protection des tableaux, « Règles » (business statistics, Loi n° 51-711 du 7 juin 1951); Directive (EU) 2016/943 (trade secrets)",
  },
  "statisticalConfidentiality.dominance.n": {
    rule: "Number of largest contributors tested by the dominance rule",
    source: "INSEE, Manuel de protection des tableaux, « Règles »: the dominance rule",
  },
  "statisticalConfidentiality.dominance.kPercent": {
    rule: "A cell is suppressed when those contributors hold strictly more than this share (%)",
    source: "INSEE, Manuel de protection des tableaux, « Règles »; the same share in the DGFiP answer to question n° 28351",
  },
  "statisticalConfidentiality.protectionIntervalPercent": {
    rule: "A suppressed value must stay uncertain by at least +/- this percentage given everything published",
    source: "The project's choice: the default a-priori interval of INSEE's rtauargus, MAN(10)",
  },
  "statisticalConfidentiality.protectSecondaryCells": {
    rule: "Whether secondary suppressions must keep the protection interval too (false: only the confidential cells, primary and hidden complements, are owed it; the audit counts every unknown)",
    source: "Project choice; tau-ARGUS and sdcTable set protection levels on primary cells",
  },
  "statisticalConfidentiality.confidentialFlag": {
    rule: "Flag published in place of a suppressed value (the value itself is left empty, never zero)",
    source: "Eurostat confidentiality flag",
  },
  "publication.maxSuppressedCellsPercent": {
    rule: "A published table keeps at most this share of its non-empty cells confidential, or a coarser design is measured (%)",
    source: "Project choice; Eurostat and INSEE redesign a table rather than publish mostly flags",
  },
  "publication.maxSuppressedValuePercent": {
    rule: "A published table keeps at most this share of its value (first measure) in confidential cells (%)",
    source: "Project choice",
  },
  "retention.customerDataYearsAfterLastContact": {
    rule: "Years customer data is kept after the last contact, then anonymised",
    source: "CNIL, délibération n° 2021-131 (référentiel « gestion des activités commerciales »); GDPR Art. 5(1)(e)",
  },
  "retention.accountingRecordsYears": {
    rule: "Years accounting records are kept (intermediate archive)",
    source: "Code de commerce art. L123-22; GDPR Art. 17(3)(b)",
  },
  "retention.auditLogYears": {
    rule: "Years the rights audit log is kept (it holds pseudonyms, never contact details)",
    source: "The project's choice: the limitation period of civil actions, Code civil art. 2224; GDPR Art. 5(2), 12",
  },
  "retention.keyBackupDays": {
    rule: "Days a backup of the key ring or master key is kept; an erased customer's data stays readable in older backups until then",
    source: "The project's choice: within the one month of GDPR Art. 12(3); Art. 17(1) \"without undue delay\"",
  },
  "keys.keyDirectoryEnv": {
    rule: "Environment variable naming the key directory",
    source: "GDPR Art. 4(5); EDPB Guidelines 01/2025 (secret kept apart from the data)",
  },
  "optimisation.payOffSpeedUp": {
    rule: "An index, partitioning or order made for speed is kept only if its query is at least this many times faster with it",
    source: "The project's choice: the cost of an ART index (rebuilt by every load, held in memory; DuckDB documentation, Indexes) against a noticeable gain",
  },
  "optimisation.verdictBandPercent": {
    rule: "Within this many percent of that threshold a measurement is too close to call and the build keeps its current choice",
    source: "The project's choice: speed-ups near the threshold vary from run to run on the benchmark machine (measured, lib/policy.ts)",
  },
  "keys.defaultKeyDirectory": {
    rule: "Key directory when that variable is unset (git-ignored, owner-only)",
    source: "GDPR Art. 4(5), 32(1)(a)",
  },
};

/** The leaves of a policy object as `[dotted path, value]`, in declaration order. */
export function policyLeaves(policy: unknown, prefix = ""): [string, string | number | boolean][] {
  if (policy === null || typeof policy !== "object") return [[prefix, policy as string | number | boolean]];
  return Object.entries(policy as Record<string, unknown>).flatMap(([key, value]) => policyLeaves(value, prefix ? `${prefix}.${key}` : key));
}

/** One row per policy value, with its rule and source. */
export function thresholdRows(policy: DeepReadonly<Policy> = POLICY): ThresholdRow[] {
  return policyLeaves(policy).map(([key, value]) => {
    const description = DESCRIPTIONS[key];
    if (!description) throw new Error(`lib/policy.ts: ${key} has no rule and source in lib/compliance/thresholds.ts; describe it there`);
    return { key, value: String(value), ...description };
  });
}
