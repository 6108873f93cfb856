/**
 * The customers' identifiers as the raw export (the controller's source system, outside
 * outputs/) holds them. Read in memory only, for two jobs that need the clear values:
 * - the erasure verification: every identifier an erased person had, to search for;
 * - the re-keying procedure: every customer number, to map old pseudonyms to new ones.
 */
import { openNative, queryRows, sqlString } from "../engine/native";
import { projectionFor, type SourceProfile } from "../raw/profile";
import type { KeyStore } from "./keystore";
import { customerPseudonym } from "./pseudonym";
import { ERASED_CUSTOMER_ID, normaliseCustomerId } from "./ledgers";

export interface RawCustomerValues {
  customer_id: string | null;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  street: string | null;
  card_number: string | null;
}

const COLUMNS: (keyof RawCustomerValues)[] = ["customer_id", "email", "phone", "first_name", "last_name", "street", "card_number"];

/** Distinct customer value combinations of the SALE records of the raw export. */
export async function readRawCustomerValues(input: string, profile: SourceProfile): Promise<RawCustomerValues[]> {
  const f = profile.format;
  const projection = new Map(projectionFor(profile).map((p) => [p.column, p.expression]));
  const columns = f.header.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(", ");
  const { instance, conn } = await openNative();
  try {
    return await queryRows<RawCustomerValues>(
      conn,
      `select distinct ${COLUMNS.map((c) => `(${projection.get(c)})::varchar as ${c}`).join(", ")}
       from read_csv(${sqlString(input)}, header = true, columns = {${columns}}, delim = ${sqlString(f.delimiter)},
                     quote = ${sqlString(f.quote)}, escape = ${sqlString(f.quote)}, encoding = ${sqlString(f.encoding ?? "utf-8")},
                     ignore_errors = true, max_line_size = 10000000)
       where upper(trim(${projection.get("record_type")})) = 'SALE'`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Every distinct normalised customer number of the export (for re-keying). */
export async function readRawCustomerIds(input: string, profile: SourceProfile): Promise<string[]> {
  const ids = new Set<string>();
  for (const row of await readRawCustomerValues(input, profile)) {
    const id = normaliseCustomerId(row.customer_id);
    if (id !== null && id !== ERASED_CUSTOMER_ID) ids.add(id);
  }
  return [...ids].sort();
}

export interface SubjectIdentifiers {
  /** kind -> distinct values, each unique to this subject in the export. */
  values: Record<string, string[]>;
  /** Values of the subject also held by other customers (a namesake, a shared street): not searched. */
  sharedSkipped: number;
}

/**
 * Every identifier the customers named by `pseudonyms` had in the raw export: customer numbers
 * (as typed and normalised), emails, phones (as typed and as digits), full names, streets, card
 * numbers. Values shorter than 5 characters, or also held by another customer, are left out so
 * that a hit means this person, not a namesake.
 */
export async function subjectIdentifiers(input: string, profile: SourceProfile, keyStore: KeyStore, pseudonyms: string[]): Promise<SubjectIdentifiers> {
  const wanted = new Set(pseudonyms);
  const rows = await readRawCustomerValues(input, profile);
  const pseudonymOf = new Map<string, string>();
  const ownerOf = (row: RawCustomerValues): string | undefined => {
    const id = normaliseCustomerId(row.customer_id);
    if (id === null) return undefined;
    if (!pseudonymOf.has(id)) pseudonymOf.set(id, customerPseudonym(keyStore, id));
    return pseudonymOf.get(id);
  };
  const mine = new Map<string, Set<string>>();
  const others = new Set<string>();
  const emailsOfMine = new Set<string>();
  const candidates = (row: RawCustomerValues): [string, string][] => {
    const out: [string, string][] = [];
    const add = (kind: string, v: string | null) => {
      if (v !== null && v.trim().length >= 5) out.push([kind, v.trim()]);
    };
    add("customer_id", row.customer_id);
    add("customer_id", normaliseCustomerId(row.customer_id));
    add("email", row.email?.toLowerCase() ?? null);
    add("phone", row.phone);
    const digits = row.phone ? row.phone.replace(/\D/g, "") : null;
    add("phone", digits);
    // The cleansed E.164 form of a French number (06 84 ... -> +33684...).
    add("phone", digits && /^0\d{9}$/.test(digits) ? `+33${digits.slice(1)}` : null);
    add("full_name", row.first_name && row.last_name ? `${row.first_name.trim()} ${row.last_name.trim()}` : null);
    add("street", row.street);
    add("card_number", row.card_number);
    return out;
  };
  for (const row of rows) {
    if (wanted.has(ownerOf(row) ?? "") && row.email) emailsOfMine.add(row.email.trim().toLowerCase());
  }
  for (const row of rows) {
    const owner = ownerOf(row);
    const isMine = owner !== undefined ? wanted.has(owner) : row.email !== null && emailsOfMine.has(row.email.trim().toLowerCase());
    for (const [kind, v] of candidates(row)) {
      const key = `${kind}\u0000${v.toLowerCase()}`;
      if (isMine) {
        if (!mine.has(kind)) mine.set(kind, new Set());
        mine.get(kind)!.add(v);
      } else others.add(key);
    }
  }
  let sharedSkipped = 0;
  const values: Record<string, string[]> = {};
  for (const [kind, set] of [...mine.entries()].sort()) {
    const unique = [...set].filter((v) => {
      const shared = others.has(`${kind}\u0000${v.toLowerCase()}`);
      if (shared) sharedSkipped++;
      return !shared;
    });
    if (unique.length) values[kind] = unique.sort();
  }
  values.pseudonym = [...pseudonyms].sort();
  return { values, sharedSkipped };
}
