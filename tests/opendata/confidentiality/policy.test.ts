import { POLICY } from "../../../lib/policy";

describe("POLICY", () => {
  it("holds the regulatory thresholds the release applies", () => {
    const sc = POLICY.statisticalConfidentiality;
    expect(sc.frequency.minContributors).toEqual({ person: 11, business: 3 });
    expect(sc.dominance).toEqual({ n: 1, kPercent: 85 });
    expect(sc.protectionIntervalPercent).toBe(10);
    expect(POLICY.retention).toEqual({ customerDataYearsAfterLastContact: 3, accountingRecordsYears: 10, auditLogYears: 5, keyBackupDays: 30 });
    expect(POLICY.keys.keyDirectoryEnv).toBe("WORKBOOK_KEY_DIR");
  });

  it("cannot be patched at runtime by a caller", () => {
    "use strict";
    const min = POLICY.statisticalConfidentiality.frequency.minContributors as { person: number };
    expect(() => {
      min.person = 5;
    }).toThrow(TypeError);
    expect(POLICY.statisticalConfidentiality.frequency.minContributors.person).toBe(11);
  });
});
