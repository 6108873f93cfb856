/** RFC 4180 fields: quoted only when they hold a comma, a quote, CR or LF; quotes doubled. */

export function csvField(value: string): string {
  return needsQuotes(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Whether `value` holds a `"`, `,`, CR or LF: a loop beats a regular expression on short fields. */
function needsQuotes(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 || c === 0x2c || c === 0x0a || c === 0x0d) return true;
  }
  return false;
}

/**
 * One record with its LF terminator. `mayNeedQuotes` lists the columns whose values may hold a
 * special character; the others (ids, numbers, dates) never do, which skips the test on most fields.
 */
export function csvLine(fields: readonly string[], mayNeedQuotes: readonly number[]): string {
  // Array.prototype.join builds one flat string; chained `+=` builds a rope that is flattened
  // again later, which at 10 M rows costs more than everything else the generator does.
  let quoted: string[] | undefined;
  for (const i of mayNeedQuotes) {
    const value = fields[i];
    if (value !== "" && needsQuotes(value)) {
      quoted ??= fields.slice();
      quoted[i] = csvField(value);
    }
  }
  return (quoted ?? fields).join(",") + "\n";
}
