/**
 * Each leak of issue 22 planted in a small release in the new format, and caught by the red
 * team; each with its control, the same release with the leak removed, which passes the gate.
 */
import { attackRelease, judgeFindings, type AttackFindings, type AttackVerdict } from "../../../lib/opendata/attack";
import { erasure, inferredSign, nestedPopulations, ratioNumerator, singleChild, statusColumn } from "./scenarios";
import { oracleFor, tempDir, writeRelease, type TableSpec, type World } from "./world";

async function attack(world: World, specs: TableSpec[]): Promise<{ findings: AttackFindings; verdict: AttackVerdict }> {
  const dir = writeRelease(tempDir(), world, specs, "v-test");
  const findings = await attackRelease({ releaseDir: dir });
  return { findings, verdict: judgeFindings(findings, oracleFor(world, specs)) };
}

function cell(findings: AttackFindings, dataset: string, key: Record<string, string>, measure: string) {
  const found = findings.cells.find((c) => c.dataset === dataset && c.measure === measure && Object.entries(key).every(([f, v]) => c.key[f] === v));
  if (!found) throw new Error(`no finding for ${dataset} ${JSON.stringify(key)} ${measure}`);
  return found;
}

describe("planted leaks are caught; the same release without the leak passes", () => {
  test("(a) a persons table beside an all-customers table: the per-area difference is 2 businesses", async () => {
    const s = nestedPopulations();
    const { findings, verdict } = await attack(s.world, s.leak);
    const gb = findings.complements.find((c) => c.figure.scope === "customers.businesses" && c.figure.dims.geo_code === "GB" && c.concept === "net_amount")!;
    expect(gb.attack).toBe("scope-complement");
    expect(gb.upper - gb.lower).toBeLessThan(0.05);
    expect(gb.derivation).toMatch(/customers\.identified = customers\.persons \+ customers\.businesses/);
    expect(verdict.passed).toBe(false);
    const rules = verdict.failures.filter((f) => f.subject.includes("geo_code=GB")).map((f) => f.rule);
    expect(rules).toContain("complement-frequency");

    const control = await attack(s.world, s.control);
    const gbControl = control.findings.complements.find((c) => c.figure.dims.geo_code === "GB" && c.concept === "net_amount")!;
    expect(gbControl.lower).toBe(0);
    expect(control.verdict.failures).toEqual([]);
    expect(control.verdict.passed).toBe(true);
  });

  test("(b) a published status column: `secondary` means orders >= 11, which pins the hidden cells", async () => {
    const s = statusColumn();
    const { findings, verdict } = await attack(s.world, s.leak);
    const gbF = cell(findings, "customer-orders-by-area-gender", { geo_code: "GB", gender: "F" }, "orders");
    expect([gbF.lower, gbF.upper]).toEqual([11, 11]);
    expect(gbF.uses).toContain("status");
    // F passes the primary rules (a secondary cell, not protected for itself); pinning it pins M, which does not.
    expect(verdict.failures.map((f) => f.subject)).toContain("customer-orders-by-area-gender[geo_code=GB, gender=M].orders");

    const control = await attack(s.world, s.control);
    const gbFControl = cell(control.findings, "customer-orders-by-area-gender", { geo_code: "GB", gender: "F" }, "orders");
    expect(gbFControl.upper - gbFControl.lower).toBeGreaterThan(5);
    expect(control.verdict.passed).toBe(true);
  });

  test("(c) net amounts of a real category cannot be negative: the sign alone pins a rectangle of hidden cells", async () => {
    const s = inferredSign();
    const { findings, verdict } = await attack(s.world, s.leak);
    expect(findings.warnings.join("\n")).toMatch(/inferred sign of net_amount: negative published values explained by category=unknown/);
    const gbJ = cell(findings, "sales-by-area-category", { geo_code: "GB", category: "Jardin" }, "net_amount");
    expect(gbJ.lower).toBeGreaterThan(90);
    expect(gbJ.upper).toBeLessThan(110);
    // Without a sign the rectangle has a free direction: the bound comes from IE's cells being >= 0.
    const ieJ = cell(findings, "sales-by-area-category", { geo_code: "IE", category: "Jardin" }, "net_amount");
    expect(ieJ.uses).toContain("inferred-sign");
    expect(verdict.failures.map((f) => f.subject)).toContain("sales-by-area-category[geo_code=GB, category=Jardin].net_amount");

    const control = await attack(s.world, s.control);
    expect(control.verdict.passed).toBe(true);
  });

  test("(d) one customer erased between two releases: the change of every figure they were in is their purchases", async () => {
    const s = erasure();
    const previousDir = writeRelease(tempDir(), s.previous, s.tables, "v-previous");
    const currentDir = writeRelease(tempDir(), s.current, s.tables, "v-current");
    const findings = await attackRelease({ releaseDir: currentDir, previousReleaseDir: previousDir });
    expect(findings.previousVersion).toBe("v-previous");
    const gbJardin = findings.revisions.find((r) => r.key.geo_code === "GB" && r.key.category === "Jardin" && r.measure === "orders")!;
    expect([gbJardin.lower, gbJardin.upper]).toEqual([-1, -1]);
    const verdict = judgeFindings(findings, oracleFor(s.current, s.tables, { world: s.previous, specs: s.tables }));
    expect(verdict.passed).toBe(false);
    expect(new Set(verdict.failures.map((f) => f.rule))).toEqual(new Set(["revision-frequency"]));

    // Control: the new release republishes the already published period as it was.
    const frozenDir = writeRelease(tempDir(), s.frozen, s.tables, "v-frozen");
    const frozen = await attackRelease({ releaseDir: frozenDir, previousReleaseDir: previousDir });
    expect(frozen.revisions).toEqual([]);
    expect(judgeFindings(frozen, oracleFor(s.frozen, s.tables, { world: s.previous, specs: s.tables })).passed).toBe(true);
  });

  test("(d') a revision the oracle cannot explain fails the gate rather than passing it", async () => {
    const s = erasure();
    const previousDir = writeRelease(tempDir(), s.previous, s.tables, "v-previous");
    const currentDir = writeRelease(tempDir(), s.current, s.tables, "v-current");
    const findings = await attackRelease({ releaseDir: currentDir, previousReleaseDir: previousDir });
    const verdict = judgeFindings(findings, oracleFor(s.current, s.tables));
    expect(verdict.passed).toBe(false);
    expect(verdict.failures.every((f) => f.rule === "oracle-silent")).toBe(true);
  });

  test("(e) a published fill rate reveals the hidden numerator of another table", async () => {
    const s = ratioNumerator();
    const { findings, verdict } = await attack(s.world, s.leak);
    const de = cell(findings, "receipts-by-country-category", { supplier_country: "DE", category: "Jardin" }, "units_received");
    expect([de.lower, de.upper]).toEqual([1234, 1234]);
    expect(de.attack).toBe("ratio");
    expect(de.derivation).toMatch(/fill-rate-by-country-category: fill_rate published at supplier_country=DE, category=Jardin/);
    expect(verdict.passed).toBe(false);

    const control = await attack(s.world, s.control);
    expect(control.verdict.passed).toBe(true);
  });

  test("(f) a hidden total whose children are all absent but one: its whole group has that child's code", async () => {
    const s = singleChild();
    const { findings, verdict } = await attack(s.world, s.leak);
    expect(findings.attributes.map((a) => `${a.key.geo_code}:${a.dimension}=${a.childCode}`).sort()).toEqual(["DE:gender=X", "IE:gender=X"]);
    expect(verdict.failures.filter((f) => f.rule === "attribute-of-small-group")).toHaveLength(2);

    const control = await attack(s.world, s.control);
    expect(control.findings.attributes).toEqual([]);
    expect(control.verdict.passed).toBe(true);
  });
});
