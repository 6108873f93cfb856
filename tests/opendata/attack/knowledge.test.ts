/**
 * The pieces of the intruder's knowledge, each on a release small enough to check by hand:
 * integrality, a margin shared by two tables, a three-level hierarchy, an older release read with
 * the newer declarations, a fact the release contradicts, and the reading of the files.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { attackRelease, judgeFindings, ReleaseReadError, type AttackFindings } from "../../../lib/opendata/attack";
import { lpIntervals } from "../../../lib/opendata/attack/lp";
import { propagate } from "../../../lib/opendata/attack/propagate";
import { IntruderSystem } from "../../../lib/opendata/attack/system";
import { POLICY } from "../../../lib/policy";
import { YEAR_2024 } from "./scenarios";
import { m, oracleFor, people, tempDir, writeRelease, type FactRecord, type TableSpec, type Unit, type World } from "./world";

function cell(findings: AttackFindings, key: Record<string, string>, measure: string, dataset?: string) {
  const found = findings.cells.find((c) => c.measure === measure && (!dataset || c.dataset === dataset) && Object.entries(key).every(([f, v]) => c.key[f] === v));
  if (!found) throw new Error(`no finding for ${JSON.stringify(key)} ${measure}`);
  return found;
}

/** The cells of these small releases all pass the primary rules: judge them as if every suppressed cell, secondary included, were protected, so that a recovered cell fails. */
const EVERY_CELL = { ...POLICY.statisticalConfidentiality, protectSecondaryCells: true };

function world(units: Unit[], records: FactRecord[]): World {
  return { units, records, scopes: [] };
}

describe("integrality", () => {
  test("an integer unknown the LP bounds to [0.6, 1.4] is pinned to 1, a continuous one is not", async () => {
    for (const integer of [true, false]) {
      const system = new IntruderSystem([]);
      system.concepts.set("orders", { integer, additive: true, lowerBound: 0 });
      const figure = (area: string) => ({ scope: "s", concept: "orders", period: YEAR_2024, dims: { geo_code: area } });
      const x = system.variable("current", figure("GB"), "x");
      const y = system.variable("current", figure("IE"), "y");
      system.addConstraint({ terms: [{ v: x, a: 1 }, { v: y, a: 1 }], lo: 2, hi: 2, kind: "margin", tier: 0, label: "x + y = 2", absentTerms: 0 });
      system.addConstraint({ terms: [{ v: x, a: 1 }, { v: y, a: -1 }], lo: -0.8, hi: 0.8, kind: "ratio", tier: 1, label: "|x - y| <= 0.8", absentTerms: 0 });
      for (const v of [x, y]) system.addFact({ v, lower: 0, tier: 0, kind: "declared-sign" });
      const prop = propagate(system, 3);
      // Propagation alone, one constraint at a time, sees only [0, 2].
      expect([prop.lower[x], prop.upper[x]]).toEqual([0, 2]);
      const lp = await lpIntervals(system, prop, new Set([x, y]));
      const interval = [lp.lower.get(x)!, lp.upper.get(x)!];
      if (integer) expect(interval).toEqual([1, 1]);
      else {
        expect(interval[0]).toBeCloseTo(0.6, 9);
        expect(interval[1]).toBeCloseTo(1.4, 9);
      }
    }
  });

  test("a rounded ratio bounds hidden orders to [0.86, 1.2]; as a count they are 1", async () => {
    const units = people("p", 2, "customers.persons");
    const records: FactRecord[] = [
      { unit: "p1", attrs: { geo_code: "GB", period: "2024" }, values: { units: 3, orders: 1 } },
      { unit: "p2", attrs: { geo_code: "IE", period: "2024" }, values: { units: 9, orders: 4 } },
    ];
    const spec: TableSpec = {
      name: "basket-by-area",
      scope: "customers.persons",
      population: "person",
      period: YEAR_2024,
      primary: false,
      dimensions: [{ field: "geo_code", total: null, codes: ["GB", "IE"] }],
      measures: [{ ...m.units, lowerBound: 0 }, m.orders],
      derived: [{ field: "units_per_order", kind: "ratio", numerator: "units", denominator: "orders", decimals: 0 }],
      hideValues: (k) => (k.geo_code === "GB" ? ["orders"] : []),
    };
    const findings = await attackRelease({ releaseDir: writeRelease(tempDir(), world(units, records), [spec], "v") });
    const gb = cell(findings, { geo_code: "GB" }, "orders");
    expect([gb.lower, gb.upper]).toEqual([1, 1]);
    expect(gb.attack).toBe("ratio");
    expect(gb.uses).toEqual(expect.arrayContaining(["ratio", "integrality"]));
  });
});

describe("relations across tables and levels", () => {
  /** Persons buying in two categories, each through a channel. */
  function shoppers(): World {
    const units: Unit[] = [];
    const records: FactRecord[] = [];
    const areas: [string, number][] = [
      ["GB", 24],
      ["IE", 22],
      ["DE", 22],
    ];
    for (const [geo, n] of areas) {
      for (let i = 1; i <= n; i++) {
        const id = `${geo}${i}`;
        units.push({ id, population: "person", scope: "customers.persons" });
        records.push({ unit: id, attrs: { geo_code: geo, category: "Jardin", channel: i % 2 ? "web" : "shop", period: "2024" }, values: { net_amount: 30 + ((i * 13) % 40), orders: 1 } });
        records.push({ unit: id, attrs: { geo_code: geo, category: "Maison", channel: i % 3 ? "shop" : "web", period: "2024" }, values: { net_amount: 20 + ((i * 7) % 25), orders: 1 + (i % 2) } });
      }
    }
    return world(units, records);
  }
  const areas = { field: "geo_code", total: "All", codes: ["GB", "IE", "DE"] };
  const rectangle =
    (field: string, code: string) =>
    (k: Record<string, string>): boolean =>
      (k.geo_code === "GB" || k.geo_code === "IE") && (k[field] === "All" || k[field] === code);
  const byCategory: TableSpec = {
    name: "sales-by-area-category",
    scope: "customers.persons",
    population: "person",
    period: YEAR_2024,
    dimensions: [areas, { field: "category", total: "All", codes: ["Jardin", "Maison"] }],
    measures: [m.net, m.orders],
    suppress: rectangle("category", "Jardin"),
  };
  const byChannel: TableSpec = {
    name: "sales-by-area-channel",
    scope: "customers.persons",
    population: "person",
    period: YEAR_2024,
    dimensions: [areas, { field: "channel", total: "All", codes: ["shop", "web"] }],
    measures: [m.net, m.orders],
  };

  test("two tables sharing a margin: a total hidden in one and published in the other opens the first", async () => {
    const w = shoppers();
    const specs = [byCategory, byChannel];
    const findings = await attackRelease({ releaseDir: writeRelease(tempDir(), w, specs, "v") });
    const total = cell(findings, { geo_code: "GB", category: "All" }, "net_amount", "sales-by-area-category");
    expect(total.attack).toBe("same-figure");
    expect(total.derivation).toBe("the same figure is published as sales-by-area-channel[GB,All].net_amount");
    const jardin = cell(findings, { geo_code: "GB", category: "Jardin" }, "orders", "sales-by-area-category");
    expect(jardin.attack).toBe("differencing");
    expect(jardin.lower).toBe(jardin.upper);
    expect(judgeFindings(findings, oracleFor(w, specs), EVERY_CELL).passed).toBe(false);

    // Control: the channel table hides the same area totals (with its own rectangle).
    const control = [byCategory, { ...byChannel, suppress: rectangle("channel", "web") }];
    const safe = await attackRelease({ releaseDir: writeRelease(tempDir(), w, control, "v") });
    expect(cell(safe, { geo_code: "GB", category: "All" }, "net_amount", "sales-by-area-category").attack).not.toBe("same-figure");
    const verdict = judgeFindings(safe, oracleFor(w, control), EVERY_CELL);
    expect(verdict.failures.map((f) => f.message)).toEqual([]);
    expect(verdict.passed).toBe(true);
  });

  test("a three-level hierarchy: a département is recovered through its région and the country", async () => {
    const units: Unit[] = [];
    const records: FactRecord[] = [];
    const leaves: [string, number][] = [
      ["FR-75", 1],
      ["FR-92", 15],
      ["FR-ARA", 14],
      ["GB", 12],
    ];
    for (const [geo, n] of leaves) {
      for (let i = 1; i <= n; i++) {
        units.push({ id: `${geo}-${i}`, population: "person", scope: "customers.persons" });
        records.push({ unit: `${geo}-${i}`, attrs: { geo_code: geo, period: "2024" }, values: { net_amount: 50 + i, orders: 1 + (i % 3) } });
      }
    }
    const geo = { field: "geo_code", total: "All", codes: ["FR", "FR-IDF", "FR-75", "FR-92", "FR-ARA", "GB"], parents: { "FR-IDF": "FR", "FR-ARA": "FR", "FR-75": "FR-IDF", "FR-92": "FR-IDF" } };
    const spec: TableSpec = {
      name: "sales-by-area",
      scope: "customers.persons",
      population: "person",
      period: YEAR_2024,
      dimensions: [geo],
      measures: [m.net, m.orders],
      // The naive secondary one level up: the région above the hidden département.
      suppress: (k) => k.geo_code === "FR-IDF",
    };
    const w = world(units, records);
    const findings = await attackRelease({ releaseDir: writeRelease(tempDir(), w, [spec], "v") });
    // One margin per parent code (All, FR, FR-IDF) and measure.
    expect(findings.knowledge["constraints: margin"]).toBe(6);
    const paris = cell(findings, { geo_code: "FR-75" }, "orders");
    expect(paris.lower).toBe(paris.upper);
    expect(paris.derivation).toMatch(/geo_code FR-IDF = sum of the 2 codes under it.*1 figure\(s\) themselves derived/);
    expect(cell(findings, { geo_code: "FR-IDF" }, "orders").derivation).toMatch(/geo_code FR = sum of the 2 codes under it/);
    expect(judgeFindings(findings, oracleFor(w, [spec])).passed).toBe(false);

    const control = { ...spec, suppress: (k: Record<string, string>) => k.geo_code === "FR-92" };
    const safe = await attackRelease({ releaseDir: writeRelease(tempDir(), w, [control], "v") });
    expect(cell(safe, { geo_code: "FR-75" }, "orders").lower).toBe(0);
    expect(judgeFindings(safe, oracleFor(w, [control])).passed).toBe(true);
  });
});

describe("the previous release", () => {
  const gb = people("g", 12, "customers.persons");
  const ie = people("i", 12, "customers.persons");
  const de = people("d", 11, "customers.persons");
  const records = [...gb, ...ie, ...de].map((u, i) => ({ unit: u.id, attrs: { geo_code: u.id[0] === "g" ? "GB" : u.id[0] === "i" ? "IE" : "DE", period: "2024" }, values: { net_amount: 40 + i, orders: 1 + (i % 2) } }));
  const w = world([...gb, ...ie, ...de], records);
  const spec: TableSpec = {
    name: "sales-by-area",
    scope: "customers.persons",
    population: "person",
    period: YEAR_2024,
    dimensions: [{ field: "geo_code", total: "All", codes: ["GB", "IE", "DE"] }],
    measures: [m.net, m.orders],
  };

  test("an older release (status column, no disclosureControl) is read with the new declarations, and a cell it published is known now", async () => {
    const previous = writeRelease(tempDir(), w, [{ ...spec, status: true }], "v-old", true);
    const hidden = { ...spec, suppress: (k: Record<string, string>) => k.geo_code === "GB" || k.geo_code === "IE" };
    const current = writeRelease(tempDir(), w, [hidden], "v-new");
    const alone = await attackRelease({ releaseDir: current });
    expect(cell(alone, { geo_code: "GB" }, "orders").lower).toBe(0);

    const findings = await attackRelease({ releaseDir: current, previousReleaseDir: previous });
    expect(findings.warnings).toContain("previous release sales-by-area: no disclosureControl; read with the current release's declarations");
    const gbOrders = cell(findings, { geo_code: "GB" }, "orders");
    expect(gbOrders.attack).toBe("previous-release");
    expect(gbOrders.lower).toBe(gbOrders.upper);
    const verdict = judgeFindings(findings, oracleFor(w, [hidden]), EVERY_CELL);
    expect(verdict.failures.map((f) => f.attack)).toContain("previous-release");
  });
});

describe("facts the release contradicts", () => {
  test("an inferred sign the published margins contradict is dropped with a warning, and the attack goes on", async () => {
    const units = people("p", 36, "customers.persons");
    const records: FactRecord[] = units.map((u, i) => {
      const geo = i < 12 ? "GB" : i < 24 ? "IE" : "DE";
      const category = i % 2 ? "Jardin" : "Maison";
      // GB's Maison holds returns that outweigh its sales: a real category, negative.
      const net = geo === "GB" && category === "Maison" ? -30 : 25 + i;
      return { unit: u.id, attrs: { geo_code: geo, category, period: "2024" }, values: { net_amount: net } };
    });
    const spec: TableSpec = {
      name: "sales-by-area-category",
      scope: "customers.persons",
      population: "person",
      period: YEAR_2024,
      primary: false,
      dimensions: [
        { field: "geo_code", total: "All", codes: ["GB", "IE", "DE"] },
        { field: "category", total: "All", codes: ["Jardin", "Maison"] },
      ],
      measures: [m.net],
      suppress: (k) => k.geo_code === "GB" && k.category === "Maison",
    };
    const findings = await attackRelease({ releaseDir: writeRelease(tempDir(), world(units, records), [spec], "v") });
    expect(findings.consistent).toBe(true);
    expect(findings.warnings.some((w) => w.startsWith("the release contradicts the intruder's inferred signs"))).toBe(true);
    const gbMaison = cell(findings, { geo_code: "GB", category: "Maison" }, "net_amount");
    expect(gbMaison.upper).toBeLessThan(0);
    expect(gbMaison.attack).toBe("differencing");
  });
});

describe("reading a release", () => {
  test("a code neutralised against spreadsheet formulas is read back as declared", async () => {
    const units = [...people("v", 4, "carriers", "business"), { id: "x1", population: "business" as const, scope: "carriers" }];
    const records: FactRecord[] = units.map((u) => ({ unit: u.id, attrs: { carrier: u.id === "x1" ? "=Express" : "Vidal & Fils", period: "2024" }, values: { shipments: 5 } }));
    const spec: TableSpec = {
      name: "shipments-by-carrier",
      scope: "carriers",
      population: "business",
      period: YEAR_2024,
      dimensions: [{ field: "carrier", total: "All", codes: ["=Express", "Vidal & Fils"] }],
      measures: [{ field: "shipments", integer: true, lowerBound: 0 }],
    };
    const findings = await attackRelease({ releaseDir: writeRelease(tempDir(), world(units, records), [spec], "v") });
    expect(findings.warnings).toEqual([]);
    const express = cell(findings, { carrier: "=Express" }, "shipments");
    expect([express.lower, express.upper]).toEqual([5, 5]);
  });

  test("an unusable release stops with a message naming the file and what was expected", async () => {
    const empty = tempDir();
    await expect(attackRelease({ releaseDir: empty })).rejects.toThrow(ReleaseReadError);
    await expect(attackRelease({ releaseDir: empty })).rejects.toThrow(`${path.join(empty, "datapackage.json")} not found`);

    const units = people("p", 12, "customers.persons");
    const spec: TableSpec = {
      name: "sales-by-area",
      scope: "customers.persons",
      population: "person",
      period: YEAR_2024,
      dimensions: [{ field: "geo_code", total: "All", codes: ["GB"] }],
      measures: [m.orders],
    };
    const dir = writeRelease(tempDir(), world(units, units.map((u) => ({ unit: u.id, attrs: { geo_code: "GB" }, values: { orders: 1 } }))), [spec], "v");
    writeFileSync(path.join(dir, "sales-by-area.csv"), "geo_code,flag\r\nAll,\r\n");
    await expect(attackRelease({ releaseDir: dir })).rejects.toThrow(/sales-by-area\.csv: column orders missing from the header/);
  });
});

describe("absent rows", () => {
  test("an area missing from a nonEmpty persons table has no persons: its all-customers figure is its businesses'", async () => {
    const persons = people("p", 15, "customers.persons");
    const businesses = people("b", 2, "customers.businesses", "business");
    const records: FactRecord[] = [
      ...persons.map((u, i) => ({ unit: u.id, attrs: { geo_code: "IE", period: "2024" }, values: { net_amount: 30 + i, orders: 1 } })),
      { unit: "b1", attrs: { geo_code: "GB", period: "2024" }, values: { net_amount: 900, orders: 4 } },
      { unit: "b2", attrs: { geo_code: "GB", period: "2024" }, values: { net_amount: 700, orders: 3 } },
    ];
    const w: World = { units: [...persons, ...businesses], records, scopes: [{ id: "customers.identified", parts: ["customers.persons", "customers.businesses"] }] };
    const areas = { field: "geo_code", total: "All", codes: ["GB", "IE"] };
    const specs: TableSpec[] = [
      { name: "customer-sales-by-area", scope: "customers.persons", population: "person", rows: "nonEmpty", period: YEAR_2024, dimensions: [areas], measures: [m.net, m.orders] },
      // The all-customers table counts GB's two businesses as one cell: hidden, but its total is not.
      { name: "sales-by-area", scope: "customers.identified", population: "business", period: YEAR_2024, dimensions: [areas], measures: [m.net, m.orders], primary: false },
    ];
    const findings = await attackRelease({ releaseDir: writeRelease(tempDir(), w, specs, "v") });
    const gb = findings.complements.find((c) => c.figure.dims.geo_code === "GB" && c.concept === "orders")!;
    expect([gb.lower, gb.upper]).toEqual([7, 7]);
    expect(judgeFindings(findings, oracleFor(w, specs)).failures.map((f) => f.rule)).toContain("complement-frequency");
  });
});
