/**
 * CSV as published: UTF-8 without BOM, comma, CRLF record separators and double-quote quoting
 * exactly as RFC 4180 writes them (a field is quoted when it holds a comma, a quote, CR or LF;
 * quotes are doubled), a header row, dot decimals, ISO 8601 periods, empty fields for missing
 * or confidential values (never zero).
 *
 * Spreadsheet formula injection (OWASP "CSV Injection"): a text cell beginning with =, +, -, @,
 * TAB or CR can be run as a formula when the file is opened in a spreadsheet. Such a text cell
 * is prefixed with a single quote, which spreadsheets display as text. Numbers are written as
 * numbers and never prefixed: a negative net amount stays -12.50.
 */
export type CsvValue = string | number | null;

const FORMULA_TRIGGERS = ["=", "+", "-", "@", "\t", "\r"];

/** OWASP neutralisation of one text cell. */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.includes(text[0]) ? `'${text}` : text;
}

/** Fixed-point decimal text, no exponent, no negative zero. */
export function formatDecimal(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export interface CsvColumnFormat {
  name: string;
  type: "string" | "integer" | "number";
  decimals?: number;
}

export function formatField(value: CsvValue, column: CsvColumnFormat): string {
  if (value === null || value === undefined) return "";
  if (column.type === "string") return quote(neutraliseFormula(String(value)));
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`column ${column.name}: ${JSON.stringify(value)} is not a finite number; expected ${column.type}`);
  }
  if (column.type === "integer") {
    if (!Number.isInteger(value)) throw new Error(`column ${column.name}: ${value} is not an integer`);
    return String(value);
  }
  return formatDecimal(value, column.decimals ?? 2);
}

/** The whole file: header, then one CRLF-terminated record per row. */
export function toCsv(columns: readonly CsvColumnFormat[], rows: readonly Record<string, CsvValue>[]): string {
  const lines = [columns.map((c) => quote(neutraliseFormula(c.name))).join(",")];
  for (const row of rows) lines.push(columns.map((c) => formatField(row[c.name] ?? null, c)).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** RFC 4180 reader (for the gates and tests): returns records of raw field text. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === "") {
      quoted = true;
      i++;
    } else if (ch === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else if (ch === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
