/**
 * `datapackage.json`, Frictionless Data Package v2: one tabular resource per dataset and format
 * (CSV and Parquet share the Table Schema), the schema built from the dataset's doc.json
 * (fields, descriptions, constraints, primary key, missing values), the licence and sources.
 * Foreign keys tie the Parquet twin to nothing: it holds the same rows as its CSV.
 */
import type { OdDataset } from "../model/datasets";

export const DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json";
export const DATARESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json";
export const TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json";

export interface ReleaseMeta {
  name: string;
  version: string;
  title: string;
  description: string;
  /** ISO 8601 date of the last day of the data: deterministic, unlike a build timestamp. */
  dataEnd: string;
  dataStart: string;
  publisher: string;
  sourceAttribution?: string;
}

export const LICENCE = {
  name: "etalab-2.0",
  path: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
  title: "Licence Ouverte / Open Licence version 2.0",
} as const;

/**
 * What an intruder reads besides the values, written down for every table (custom property
 * `disclosureControl` of each resource; the format is documented in the release README): the
 * flag, the population the figures cover, whether rows exist for empty combinations, the codes of
 * each dimension and their hierarchy, what each measure is (additive, its lower bound, whole
 * numbers) and how each derived value is computed. The release's own attacker
 * (lib/opendata/attack) reads only this and the files.
 */
export interface DisclosureControl {
  flag: { field: string; confidential: string };
  scope: string;
  /** Whom the cells describe by default (the frequency threshold applies to them): person or business. */
  population: "person" | "business";
  rows: "grid" | "nonEmpty";
  period: { start: string; end: string };
  dimensions: { field: string; total: string | null; codes: string[]; parents: Record<string, string> }[];
  measures: { field: string; concept: string; additive: true; lowerBound: number | null; integer: boolean; minIfNonEmpty?: number }[];
  derived: ({ field: string } & Record<string, unknown>)[];
}

export interface ResourceFile {
  dataset: OdDataset;
  disclosure: DisclosureControl;
  csv: string;
  parquet: string;
  rows: number;
  csvHash: string;
  parquetHash: string;
  csvBytes: number;
  parquetBytes: number;
}

export function tableSchema(ds: OdDataset): Record<string, unknown> {
  return {
    $schema: TABLESCHEMA_PROFILE,
    fields: ds.columns.map((c) => {
      const constraints: Record<string, unknown> = {};
      if (ds.primaryKey.includes(c.name)) constraints.required = true;
      if (c.pattern) constraints.pattern = c.pattern;
      if (c.enum) constraints.enum = c.enum;
      return {
        name: c.name,
        type: c.type,
        description: c.description,
        ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
      };
    }),
    primaryKey: ds.primaryKey,
    missingValues: [""],
  };
}

export function dataPackage(meta: ReleaseMeta, files: readonly ResourceFile[], scopes: readonly { scope: string; parts: readonly string[] }[] = []): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const f of files) {
    const common = {
      title: f.dataset.title,
      description: `${f.dataset.description} Grain: ${f.dataset.grain}`,
      type: "table",
      schema: tableSchema(f.dataset),
      licenses: [LICENCE],
      disclosureControl: f.disclosure,
    };
    resources.push({
      name: f.dataset.dataset.replace(/_/g, "-"),
      path: f.csv,
      $schema: DATARESOURCE_PROFILE,
      ...common,
      format: "csv",
      mediatype: "text/csv",
      encoding: "utf-8",
      bytes: f.csvBytes,
      hash: `sha256:${f.csvHash}`,
      dialect: { $schema: "https://datapackage.org/profiles/2.0/tabledialect.json", delimiter: ",", lineTerminator: "\r\n", quoteChar: '"', doubleQuote: true, header: true },
    });
    resources.push({
      name: `${f.dataset.dataset.replace(/_/g, "-")}-parquet`,
      path: f.parquet,
      $schema: DATARESOURCE_PROFILE,
      ...common,
      format: "parquet",
      mediatype: "application/vnd.apache.parquet",
      bytes: f.parquetBytes,
      hash: `sha256:${f.parquetHash}`,
    });
  }
  return {
    $schema: DATAPACKAGE_PROFILE,
    name: meta.name,
    id: `${meta.name}-${meta.version}`,
    title: meta.title,
    description: meta.description,
    version: meta.version,
    licenses: [LICENCE],
    sources: [{ title: "Retail data warehouse marts (sales, inventory)" }, ...(meta.sourceAttribution ? [{ title: meta.sourceAttribution }] : [])],
    contributors: [{ title: meta.publisher, roles: ["publisher"] }],
    keywords: ["retail", "sales", "inventory", "suppliers", "carriers", "statistical confidentiality"],
    temporalCoverage: { start: meta.dataStart, end: meta.dataEnd },
    disclosureControl: { scopes: scopes.map((s) => ({ id: s.scope, parts: [...s.parts] })) },
    resources,
  };
}
