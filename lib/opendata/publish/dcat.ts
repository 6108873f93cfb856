/**
 * The DCAT-AP 3.0 catalogue of the release, as JSON-LD: a dcat:Catalog with one dcat:Dataset per
 * table (dct:title and dct:description, mandatory), each with two dcat:Distribution (CSV and
 * Parquet: dcat:accessURL mandatory; dcat:downloadURL, dct:format, dct:license, dcat:byteSize,
 * spdx:checksum recommended; dct:rights, optional, carries the conditions of reuse of
 * licence.ts). URLs are relative to the release directory, so the catalogue can be
 * served from wherever the release is copied (a portal resolves them against its base URL).
 */
import type { ResourceFile, ReleaseMeta } from "./datapackage";
import { LICENCE } from "./datapackage";
import { REUSE_CONDITIONS } from "./licence";

const FORMAT = {
  csv: { format: "http://publications.europa.eu/resource/authority/file-type/CSV", media: "https://www.iana.org/assignments/media-types/text/csv" },
  parquet: { format: "http://publications.europa.eu/resource/authority/file-type/PARQUET", media: "https://www.iana.org/assignments/media-types/application/vnd.apache.parquet" },
};

export function dcatCatalogue(meta: ReleaseMeta, files: readonly ResourceFile[]): Record<string, unknown> {
  const distribution = (id: string, file: string, kind: "csv" | "parquet", bytes: number, sha: string) => ({
    "@id": `#${id}-${kind}`,
    "@type": "dcat:Distribution",
    "dcat:accessURL": { "@id": file },
    "dcat:downloadURL": { "@id": file },
    "dct:format": { "@id": FORMAT[kind].format },
    "dcat:mediaType": { "@id": FORMAT[kind].media },
    "dct:license": { "@id": LICENCE.path },
    "dct:rights": { "@type": "dct:RightsStatement", "rdfs:label": { "@value": REUSE_CONDITIONS, "@language": "en" } },
    "dcat:byteSize": { "@value": String(bytes), "@type": "xsd:nonNegativeInteger" },
    "spdx:checksum": { "@type": "spdx:Checksum", "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" }, "spdx:checksumValue": sha },
  });
  return {
    "@context": {
      dcat: "http://www.w3.org/ns/dcat#",
      dct: "http://purl.org/dc/terms/",
      foaf: "http://xmlns.com/foaf/0.1/",
      rdfs: "http://www.w3.org/2000/01/rdf-schema#",
      spdx: "http://spdx.org/rdf/terms#",
      xsd: "http://www.w3.org/2001/XMLSchema#",
    },
    "@id": "#catalogue",
    "@type": "dcat:Catalog",
    "dct:title": { "@value": meta.title, "@language": "en" },
    "dct:description": { "@value": meta.description, "@language": "en" },
    "dct:publisher": { "@type": "foaf:Agent", "foaf:name": meta.publisher },
    "dct:license": { "@id": LICENCE.path },
    "dct:modified": { "@value": meta.dataEnd, "@type": "xsd:date" },
    "dcat:dataset": files.map((f) => {
      const id = f.dataset.dataset;
      return {
        "@id": `#${id}`,
        "@type": "dcat:Dataset",
        "dct:identifier": `${meta.name}/${id}/${meta.version}`,
        "dct:title": { "@value": f.dataset.title, "@language": "en" },
        "dct:description": { "@value": `${f.dataset.description} Grain: ${f.dataset.grain}`, "@language": "en" },
        "dcat:version": meta.version,
        "dct:temporal": { "@type": "dct:PeriodOfTime", "dcat:startDate": { "@value": meta.dataStart, "@type": "xsd:date" }, "dcat:endDate": { "@value": meta.dataEnd, "@type": "xsd:date" } },
        "dcat:keyword": ["retail", "open data", "statistical confidentiality"],
        "dcat:distribution": [distribution(id, f.csv, "csv", f.csvBytes, f.csvHash), distribution(id, f.parquet, "parquet", f.parquetBytes, f.parquetHash)],
      };
    }),
  };
}
