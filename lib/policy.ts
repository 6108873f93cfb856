/**
 * The workbook's policies, written as data: every threshold that decides what may be published
 * or kept, in one typed module, each number next to the rule it implements and where that rule
 * comes from. A reviewer changes a number here and reruns; no other module hard-codes one.
 *
 * Integer percentages rather than fractions, so that a boundary case (a contributor with exactly
 * 85 % of the cell) is compared in exact integer-scaled arithmetic, not against 0.85's binary
 * approximation.
 *
 * The object is frozen at every level at runtime and `DeepReadonly` at compile time: policy is
 * read, never patched by a caller. A test or a what-if study that needs another threshold passes
 * its own value through the function's options, it does not mutate this object.
 */

/** Whom a published cell describes: the frequency threshold depends on it. */
export type PopulationKind = "person" | "business";

export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export interface StatisticalConfidentialityPolicy {
  frequency: {
    /** A cell is published only if it has at least this many distinct contributors. */
    minContributors: Record<PopulationKind, number>;
  };
  dominance: {
    /** Number of largest contributors whose combined share is tested (the n of the (n, k) rule). */
    n: number;
    /** The cell is suppressed when those n contributors hold strictly more than k % of it. */
    kPercent: number;
  };
  /**
   * A suppressed cell must not be narrowed, from everything published, to an interval smaller
   * than its true value -/+ this percentage.
   */
  protectionIntervalPercent: number;
  /**
   * Whether secondary (complementary) suppressions must also keep their protection interval, not
   * only primary ones.
   */
  protectSecondaryCells: boolean;
  /** The flag published in place of a suppressed value (the value itself is emitted empty). */
  confidentialFlag: string;
}

export interface RetentionPolicy {
  /** Customer and prospect data: years after the last contact with the customer. */
  customerDataYearsAfterLastContact: number;
  /** Accounting records (orders, invoices, credit notes): years in intermediate archive. */
  accountingRecordsYears: number;
  /** The rights audit log (who asked what, when, and how it was answered): years kept. */
  auditLogYears: number;
  /**
   * Days a backup of the key ring or of the master key is kept. Crypto-shredding deletes a
   * customer's data key from the live key ring at once; a backup taken before still holds it,
   * so an erasure reaches backups only when they expire and the master key they were wrapped
   * under is rotated and destroyed: this is that delay.
   */
  keyBackupDays: number;
}

export interface KeyPolicy {
  /** Environment variable naming the directory that holds the pseudonym and master keys. */
  keyDirectoryEnv: string;
  /** Where the keys live when that variable is unset, relative to the project root (git-ignored). */
  defaultKeyDirectory: string;
}

export interface Policy {
  statisticalConfidentiality: StatisticalConfidentialityPolicy;
  retention: RetentionPolicy;
  keys: KeyPolicy;
}

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value as Record<string, unknown>)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

export const POLICY: DeepReadonly<Policy> = deepFreeze<Policy>({
  statisticalConfidentiality: {
    frequency: {
      minContributors: {
        // DGFiP practice for aggregates describing natural persons (tax secrecy): "la cellule
        // d'un tableau doit résulter de l'agrégation d'au moins 11 unités" (answer of the budget
        // minister to written question n° 28351, Assemblée nationale, XIVe législature). The
        // project applies it to its customers, so that no customer's purchases can be isolated.
        person: 11,
        // INSEE's rule for business statistics (statistical secrecy, loi n° 51-711 du 7 juin
        // 1951): at least 3 contributing units per cell (INSEE, Manuel de protection des
        // tableaux, "Règles"). Applied to suppliers, carriers and business customers.
        // Directive (EU) 2016/943 makes an individual supplier's or carrier's figures a trade
        // secret; the same rule protects them.
        business: 3,
      },
    },
    // INSEE dominance rule (1, 85) (Manuel de protection des tableaux, "Règles"; the DGFiP
    // answer cited above states the same 85 %): no single unit above 85 % of the cell value,
    // otherwise the second contributor (or anyone knowing the rest) estimates the first closely.
    dominance: { n: 1, kPercent: 85 },
    // The project's choice, after INSEE's tooling: rtauargus (INSEE's interface to tau-ARGUS)
    // defaults to the a-priori protection interval MAN(10), 10 %. A suppressed value must stay
    // uncertain by at least +/- 10 % given everything published.
    protectionIntervalPercent: 10,
    // Eurostat principle: a flagged cell must not be recomputable from the rest of the release.
    // A secondary suppression that can be recomputed is a false promise of confidentiality and,
    // once recomputed, no longer hides the primary cell next to it, so it is held to the same
    // interval.
    protectSecondaryCells: true,
    // Eurostat's confidentiality flag; the value column is left empty, never zero (a zero would
    // be read as "no activity", a false statement).
    confidentialFlag: "c",
  },
  retention: {
    // CNIL référentiel "gestion des activités commerciales" (délibération n° 2021-131 du
    // 23 septembre 2021): customer data 3 years from the end of the commercial relationship
    // (the last contact from the customer, here the last order), then deletion or
    // anonymisation (GDPR Art. 5(1)(e)).
    customerDataYearsAfterLastContact: 3,
    // Code de commerce art. L123-22: accounting records and supporting documents are kept
    // 10 years (CNIL: intermediate archive, restricted access).
    accountingRecordsYears: 10,
    // The project's choice: the log is the proof that each request was answered (GDPR
    // Art. 5(2), 12); a claim that one was not can be brought within the general limitation
    // period of civil actions, 5 years (Code civil art. 2224). The log holds pseudonyms only.
    auditLogYears: 5,
    // The project's choice: key backups older than 30 days are destroyed and the master key is
    // rotated at least as often, so that an erasure reaches every backup within the one month
    // the GDPR gives to act on a request (Art. 12(3); Art. 17(1) "without undue delay").
    keyBackupDays: 30,
  },
  keys: {
    // GDPR Art. 4(5) / EDPB Guidelines 01/2025: the pseudonymisation secret is kept apart from
    // the data; its location is configuration, not code (see lib/privacy/keystore.ts).
    keyDirectoryEnv: "WORKBOOK_KEY_DIR",
    defaultKeyDirectory: ".keys",
  },
});
