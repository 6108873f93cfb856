/** What a cleansing rule returns for one non-empty raw value: the clean value, or why it is invalid. */
export interface Cleaned {
  value: string | null;
  /** A reason code (e.g. INVALID_EMAIL) when the raw value is not valid; null when it is. */
  issue: string | null;
}

export const ok = (value: string): Cleaned => ({ value, issue: null });
export const invalid = (issue: string): Cleaned => ({ value: null, issue });
