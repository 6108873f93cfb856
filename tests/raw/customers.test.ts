import { loadCommunePool } from "../../lib/raw/communes";
import {
  BUSINESS_BUYERS,
  BUSINESS_HABITS,
  BUSINESS_SHARE_OF_NET_SALES,
  CustomerFactory,
  PERSON_BUYERS,
  PERSON_HABITS,
  emptyCustomer,
  expectedLineValue,
  expectedUnits,
  planCustomerBase,
} from "../../lib/raw/customers";
import { buildNamePools } from "../../lib/raw/namePools";
import { Prng } from "../../lib/raw/prng";
import { RateRanks, annualMean, buyerShare, ordersPerBuyer, repeatRate } from "../../lib/raw/purchaseFrequency";
import { makePhoneCleaner } from "../../lib/cleanse/rules/phone";

describe("purchase frequency (NBD)", () => {
  test("a pool's annual mean gives back its annual repeat rate", () => {
    for (const pool of [PERSON_BUYERS, BUSINESS_BUYERS]) {
      expect(repeatRate(pool.shape, annualMean(pool))).toBeCloseTo(pool.annualRepeatRate, 6);
    }
  });

  test("the business pool reproduces the Online Retail export it was fitted to", () => {
    // UCI Online Retail, 2011: 34.4 % of identified customers ordered once, 4.27 orders per customer.
    const mean = annualMean(BUSINESS_BUYERS);
    expect(1 - repeatRate(BUSINESS_BUYERS.shape, mean)).toBeCloseTo(0.344, 3);
    expect(ordersPerBuyer(BUSINESS_BUYERS.shape, mean)).toBeCloseTo(4.27, 1);
  });

  test("orders drawn by rank give the negative binomial's share of one-time buyers", () => {
    const customers = 200_000;
    const years = 3;
    const mean = annualMean(PERSON_BUYERS) * years;
    const ranks = new RateRanks(PERSON_BUYERS.shape);
    const prng = new Prng(11);
    const orders = new Uint16Array(customers);
    for (let i = 0; i < Math.round(customers * mean); i++) orders[Math.floor(customers * ranks.rankFraction(prng.next()))]++;
    let buyers = 0;
    let once = 0;
    for (const n of orders) {
      if (n > 0) buyers++;
      if (n === 1) once++;
    }
    expect(buyers / customers).toBeCloseTo(buyerShare(PERSON_BUYERS.shape, mean), 2);
    expect(once / buyers).toBeCloseTo(1 - repeatRate(PERSON_BUYERS.shape, mean), 2);
  });
});

describe("how much customers buy", () => {
  test("expected units match a simulation of the quantity draw", () => {
    const prng = new Prng(5);
    for (const habits of [PERSON_HABITS, BUSINESS_HABITS]) {
      let total = 0;
      const n = 400_000;
      for (let i = 0; i < n; i++) {
        let units = habits.unitScale;
        for (let f = 0; f < habits.unitFactors; f++) units *= prng.next();
        total += 1 + Math.floor(units);
      }
      expect(total / n).toBeCloseTo(expectedUnits(habits), 1);
    }
  });

  test("the business pool's orders make its share of net sales", () => {
    const base = planCustomerBase(100_000, 3);
    const business = base.businessOrderShare * expectedLineValue(BUSINESS_HABITS);
    const person = (1 - base.businessOrderShare) * expectedLineValue(PERSON_HABITS);
    expect(business / (business + person)).toBeCloseTo(BUSINESS_SHARE_OF_NET_SALES, 6);
    expect(base.businesses).toBeGreaterThan(0);
    expect(base.persons).toBeGreaterThan(base.businesses * 10);
  });
});

describe("customer numbers", () => {
  const factory = new CustomerFactory(7, { businesses: 37, persons: 1963 }, 1096, buildNamePools(7), loadCommunePool(), { embeddedNewline: 0, embeddedComma: 0, apostropheName: 0 });

  test("ranks of both pools map to distinct numbers, and each number knows its pool", () => {
    const seen = new Set<number>();
    for (const [isBusiness, size] of [[true, 37], [false, 1963]] as const) {
      for (let rank = 0; rank < size; rank++) {
        const n = factory.numberForRank(isBusiness, rank);
        expect(seen.has(n)).toBe(false);
        seen.add(n);
        expect(factory.isBusiness(n)).toBe(isBusiness);
        expect(factory.describe(n, 0, emptyCustomer()).isBusiness).toBe(isBusiness);
      }
    }
    expect(seen.size).toBe(2000);
  });

  test("customers abroad have a valid phone of their own country and stay in it when they move", () => {
    const phone = makePhoneCleaner("FR");
    const abroad = [...Array(2000).keys()].map((n) => [factory.describe(n, 0, emptyCustomer()), factory.describe(n, 1095, emptyCustomer())]).filter(([c]) => c.country !== "FR");
    expect(abroad.length).toBeGreaterThan(5);
    for (const [before, after] of abroad) {
      expect(before.phone).toMatch(/^\+(32|41|352|377) /);
      expect(phone(before.phone)).toEqual({ value: before.phone.replaceAll(" ", ""), issue: null });
      expect(after.country).toBe(before.country);
    }
  });
});
