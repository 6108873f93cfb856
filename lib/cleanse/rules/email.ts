import isEmail from "validator/lib/isEmail";
import { Cleaned, invalid, ok } from "./cleaned";

/** Emails compare in lower case; validity is validator.js's isEmail (RFC 5322 practical subset). */
export function cleanEmail(raw: string): Cleaned {
  const email = raw.normalize("NFC").trim().toLowerCase();
  if (!isEmail(email, { allow_utf8_local_part: false, require_tld: true })) return invalid("INVALID_EMAIL");
  return ok(email);
}
