import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { decodeEntities, documentsUnder, personalValuesOfExport, scanDocuments } from "../../lib/notebook/personalScan";

const root = resolve(__dirname, "..", "..");

describe("committed notebooks and reports hold no raw personal value of the bundled export", () => {
  test("no email, phone, street, full name, birth date, card or customer number of data/raw/export.csv.gz appears in notebooks/ or reports/", async () => {
    const known = await personalValuesOfExport(join(root, "data", "raw", "export.csv.gz"));
    // The bundled export has thousands of customers: a scan that found no value to look for proves nothing.
    expect(known.length).toBeGreaterThan(10_000);
    const files = documentsUnder(root, ["notebooks", "reports"]);
    expect(files.some((f) => f.endsWith(".ipynb"))).toBe(true);
    const hits = scanDocuments(root, files, known);
    expect(hits.map((h) => `${h.file}: ${h.kind} ${h.masked}`)).toEqual([]);
  }, 120_000);
});

describe("the scan finds a value however a document writes it", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pii-scan-"));
    const csv = [
      "record_type,customer_id,first_name,last_name,email,phone,birth_date,street,card_number",
      "SALE,C0001874,Jeanne,D'Artagnan,jeanne.dartagnan@yahoo.fr,06 84 27 24 66,1976-01-16,\"12, Rue de la Paix\",4111111111111111",
    ].join("\n");
    writeFileSync(join(dir, "export.csv.gz"), gzipSync(csv));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const scan = async (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    const known = await personalValuesOfExport(join(dir, "export.csv.gz"));
    return scanDocuments(dir, [join(dir, name)], known).map((h) => h.kind);
  };

  test("an email inside an HTML table cell", async () => {
    expect(await scan("a.html", '<td style="text-align: left">jeanne.dartagnan@yahoo.fr</td>')).toEqual(["email"]);
  });

  test("a phone in E.164, the form cleansing gives it", async () => {
    expect(await scan("b.md", "phone: +33684272466")).toEqual(["phone"]);
  });

  test("a name with an HTML-escaped apostrophe, last name first", async () => {
    expect(await scan("c.html", "<td>D&#39;ARTAGNAN Jeanne</td>")).toEqual(["full_name"]);
  });

  test("a street split across the lines of a notebook output", async () => {
    const nb = { cells: [{ cell_type: "code", outputs: [{ output_type: "stream", text: ["street: 12, Rue de\n", "la Paix\n"] }] }] };
    expect(await scan("d.ipynb", JSON.stringify(nb))).toEqual(["street"]);
  });

  test("masked values and other people's values are not hits", async () => {
    expect(await scan("e.md", "j***@yahoo.fr, +33*******66, J*** D***, 12 Rue de la Gare, 1976-**-**")).toEqual([]);
  });
});

test("decodeEntities decodes numeric and named references", () => {
  expect(decodeEntities("D&#39;Artagnan &amp; fils &#x27;x&#x27; &lt;b&gt;")).toBe("D'Artagnan & fils 'x' <b>");
});
