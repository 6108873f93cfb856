/**
 * W3C CSV on the Web metadata (`csv-metadata.json`): a table group with one table per CSV, its
 * dialect, columns with titles, datatypes and descriptions, the primary key, and the status
 * columns. Datatypes map Table Schema types to XSD (string, integer, decimal).
 */
import type { OdDataset } from "../model/datasets";
import { LICENCE, ReleaseMeta } from "./datapackage";

const XSD: Record<string, string> = { string: "string", integer: "integer", number: "decimal" };

export function csvwMetadata(meta: ReleaseMeta, tables: readonly { dataset: OdDataset; csv: string }[]): Record<string, unknown> {
  return {
    "@context": ["http://www.w3.org/ns/csvw", { "@language": "en" }],
    "@type": "TableGroup",
    "dc:title": meta.title,
    "dc:description": meta.description,
    "dc:license": { "@id": LICENCE.path },
    "dc:publisher": meta.publisher,
    dialect: { encoding: "utf-8", delimiter: ",", doubleQuote: true, header: true, lineTerminators: ["\r\n"], quoteChar: '"', trim: false },
    tables: tables.map(({ dataset, csv }) => ({
      "@type": "Table",
      url: csv,
      "dc:title": dataset.title,
      "dc:description": dataset.description,
      tableSchema: {
        columns: dataset.columns.map((c) => ({
          name: c.name,
          titles: c.name,
          "dc:description": c.description,
          datatype: c.pattern ? { base: "string", format: c.pattern } : XSD[c.type],
          null: "",
          required: dataset.primaryKey.includes(c.name),
        })),
        primaryKey: dataset.primaryKey,
      },
    })),
  };
}
