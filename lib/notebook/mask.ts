/**
 * The one way a notebook or report shows a personal value: masked. A committed notebook is a
 * published document (GDPR Art. 5(1)(c) and (f): it must not carry a person's email, phone or
 * address), yet a course has to show what a data-subject answer looks like. So every personal
 * field goes through `maskPersonal` before it is displayed: enough is kept to recognise the shape
 * (`a.r***@yahoo.fr`, `+33*******95`, `A***`), nothing that identifies the person.
 *
 * The masks are designed so that no masked value still matches the value it hides, nor a
 * pattern of personal data (an email address, a phone number, a card number): see
 * tests/notebook/mask.test.ts and the scan of committed files (tests/notebook/personalValues.test.ts).
 */

export type PersonalKind = "email" | "phone" | "name" | "street" | "birth_date" | "postal_code" | "city" | "identifier" | "text";

const STAR = "*";

function stars(n: number): string {
  return STAR.repeat(Math.max(3, n));
}

/** The first letter of every word, the rest hidden: `Jean-Pierre MARTIN` -> `J*** M***`. */
function maskWords(value: string): string {
  return value
    .split(/\s+/)
    .filter((w) => w !== "")
    .map((w) => (/^\d+$/.test(w) ? STAR.repeat(w.length) : `${Array.from(w)[0]}${stars(3)}`))
    .join(" ");
}

function maskEmail(value: string): string {
  const at = value.lastIndexOf("@");
  if (at <= 0) return maskWords(value);
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  // Enough of the local part to recognise its shape (a.r***), never more than half of it.
  const keep = Math.min(3, Math.floor(local.length / 2));
  return `${local.slice(0, keep)}${stars(3)}@${domain}`;
}

function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, "");
  if (digits.length < 6) return stars(digits.length);
  // The country or trunk prefix and the last two digits; every other digit hidden.
  const prefix = value.trim().startsWith("+") ? `+${digits.slice(0, 2)}` : digits.slice(0, 2);
  return `${prefix}${STAR.repeat(digits.length - 4)}${digits.slice(-2)}`;
}

function maskBirthDate(value: string): string {
  const m = /^(\d{4})-\d{2}-\d{2}/.exec(value.trim());
  // The year alone is what the warehouse keeps anyway (as an age band).
  return m ? `${m[1]}-**-**` : stars(value.length);
}

function maskIdentifier(value: string): string {
  const v = value.trim();
  if (v.length <= 4) return stars(v.length);
  return `${v[0]}${STAR.repeat(v.length - 3)}${v.slice(-2)}`;
}

/** Guesses the kind of a value shown without one. */
export function guessKind(value: string): PersonalKind {
  const v = value.trim();
  if (/^[^\s@]+@[^\s@]+$/.test(v)) return "email";
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return "birth_date";
  if (/^\+?[\d\s().-]{6,}$/.test(v)) return "phone";
  return "text";
}

/**
 * A personal value as it may be displayed. `null` and empty stay as they are (an absent value
 * is not personal). Without `kind`, the shape of the value decides (email, date, phone, text).
 */
export function maskPersonal(value: string | null | undefined, kind?: PersonalKind): string | null {
  if (value === null || value === undefined) return null;
  if (value.trim() === "") return value;
  switch (kind ?? guessKind(value)) {
    case "email":
      return maskEmail(value.trim());
    case "phone":
      return maskPhone(value);
    case "birth_date":
      return maskBirthDate(value);
    case "postal_code": {
      const v = value.trim();
      // The département (first two characters) is what the warehouse keeps in clear.
      return `${v.slice(0, 2)}${STAR.repeat(Math.max(1, v.length - 2))}`;
    }
    case "identifier":
      return maskIdentifier(value);
    case "name":
    case "street":
    case "city":
    case "text":
      return maskWords(value);
  }
}

/** The kind of a personal field, from its name as the contract and the warehouse spell it. */
export function kindOfField(field: string): PersonalKind {
  const f = field.toLowerCase();
  if (f.includes("email")) return "email";
  if (f.includes("phone")) return "phone";
  if (f.includes("birth")) return "birth_date";
  if (f.includes("postal")) return "postal_code";
  if (f.includes("street") || f.includes("address")) return "street";
  if (f === "city") return "city";
  if (f.endsWith("_id") || f.includes("pseudonym")) return "identifier";
  if (f.includes("name")) return "name";
  return "text";
}

/** Every field of a record masked by its kind (for a table of personal data). */
export function maskRecord<T extends Record<string, unknown>>(record: T): Record<keyof T, string | null> {
  const out = {} as Record<keyof T, string | null>;
  for (const [field, value] of Object.entries(record)) {
    out[field as keyof T] = value === null || value === undefined ? null : maskPersonal(String(value), kindOfField(field));
  }
  return out;
}
