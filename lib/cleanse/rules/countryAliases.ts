/**
 * Country spellings found in real exports that ISO names do not cover. `null` means the value
 * names no single country and must not be mapped to one.
 */
export const COUNTRY_ALIASES: Record<string, string | null> = {
  EIRE: "IE",
  RSA: "ZA",
  UK: "GB",
  "U.K.": "GB",
  "GREAT BRITAIN": "GB",
  ENGLAND: "GB",
  USA: "US",
  "U.S.A.": "US",
  HOLLAND: "NL",
  "CZECH REPUBLIC": "CZ",
  "CHANNEL ISLANDS": null,
  "EUROPEAN COMMUNITY": null,
  UNSPECIFIED: null,
};
