/**
 * The default export written as a normalised, multi-file export (orders, order_lines, customers,
 * products, suppliers, carriers, warehouses, stock), as an ERP extract would come: the worked
 * example of a multi-file source profile (`data/sources/normalised.json`, data/README.md).
 *
 * It is the lossless decomposition of the wide export, defects included: each distinct record as
 * typed is written once and the rows that carried it point at it by a `*_ref` number. A master
 * file therefore holds one row per distinct way an entity was recorded (a customer typed two ways
 * has two rows with one customer_id, as an ERP's history of a record would), and an order header
 * one row per distinct header its lines carried. So the wide and the normalised forms describe the
 * same records, and tests/raw/normalised.test.ts proves that they give the same warehouse and
 * Open Data release. Files are CSV.gz with every value quoted (a leading or trailing space, a
 * defect to keep, survives any reader); an empty field is a missing value, as in the wide export.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { openNative, queryRows, sqlIdent, sqlString } from "../engine/native";
import { RAW_HEADER } from "./contract";
import { checkHeader } from "./inputCheck";
import { InputError } from "./inputError";

/** A normalised table: the contract columns it holds, and the `*_ref` columns it points with. */
interface TableSpec {
  file: string;
  ref?: string;
  columns: string[];
  refs?: string[];
}

const ENTITY_TABLES: Record<string, TableSpec> = {
  customers: {
    file: "customers.csv.gz",
    ref: "customer_ref",
    columns: ["customer_id", "customer_type", "company_name", "first_name", "last_name", "email", "phone", "birth_date", "gender", "street", "postal_code", "city", "country", "segment", "card_number"],
  },
  products: { file: "products.csv.gz", ref: "product_ref", columns: ["product_id", "product_name", "category", "subcategory", "brand", "unit_cost"] },
  suppliers: { file: "suppliers.csv.gz", ref: "supplier_ref", columns: ["supplier_id", "supplier_name", "supplier_country", "supplier_contact_name", "supplier_contact_email"] },
  carriers: { file: "carriers.csv.gz", ref: "carrier_ref", columns: ["carrier_id", "carrier_name"] },
  warehouses: { file: "warehouses.csv.gz", ref: "warehouse_ref", columns: ["warehouse_id", "warehouse_city"] },
};

const ORDERS: TableSpec = {
  file: "orders.csv.gz",
  ref: "order_ref",
  columns: ["order_id", "order_date", "ship_date", "delivery_date", "sales_channel", "shipping_mode", "freight_cost"],
  refs: ["customer_ref", "carrier_ref"],
};
const ORDER_LINES: TableSpec = {
  file: "order_lines.csv.gz",
  columns: ["line_number", "unit_price", "quantity", "discount"],
  refs: ["order_ref", "product_ref", "supplier_ref", "warehouse_ref"],
};
const STOCK: TableSpec = {
  file: "stock.csv.gz",
  columns: ["snapshot_date", "stock_on_hand", "units_on_order", "reorder_level", "units_received"],
  refs: ["product_ref", "supplier_ref", "warehouse_ref"],
};

/** The header of each file of the normalised export, for its source profile. */
export function normalisedHeaders(): Record<string, string[]> {
  const header = (t: TableSpec) => [...(t.ref ? [t.ref] : []), ...(t.refs ?? []), ...t.columns];
  return {
    orders: header(ORDERS),
    order_lines: header(ORDER_LINES),
    ...Object.fromEntries(Object.entries(ENTITY_TABLES).map(([name, t]) => [name, header(t)])),
    stock: header(STOCK),
  };
}

const hashOf = (columns: string[], alias = "") =>
  `md5(concat_ws(chr(31), ${columns.map((c) => `coalesce(${alias}${sqlIdent(c)}, chr(0))`).join(", ")}))`;

/**
 * `npm start -- normalise --out <dir>`: the same, for a user's file. An input it cannot use (no
 * file, another header, a malformed record: this writer reads strictly, it sets nothing aside)
 * stops with the file named and the fix, before any file is written.
 */
export async function normaliseExport(widePath: string, outDir: string): Promise<Record<string, number>> {
  checkHeader(widePath, { profileName: "default", header: [...RAW_HEADER], delimiter: ",", quote: '"' });
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new InputError(outDir, "is a file, not a directory", "pass --out a directory (it is created when missing)");
  try {
    return await writeNormalisedExport(widePath, outDir);
  } catch (error) {
    const message = (error as Error).message.split("\n")[0];
    if (!/Invalid Input Error|CSV Error|Conversion Error|Could not convert/i.test(message)) throw error;
    throw new InputError(widePath, `cannot be normalised: ${message}`, "normalise reads a well-formed export in the raw contract's layout; run the pipeline on the wide file instead (it sets malformed records aside with their line)");
  }
}

/**
 * Writes the normalised form of the wide export `widePath` (as generated, or any file with the
 * contract's header) into `outDir`. Returns the rows of each file.
 */
export async function writeNormalisedExport(widePath: string, outDir: string): Promise<Record<string, number>> {
  fs.mkdirSync(outDir, { recursive: true });
  const { instance, conn } = await openNative();
  try {
    const columns = RAW_HEADER.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(", ");
    // The wide rows in file order (n), read exactly as the splitter reads them.
    await conn.run(`create table wide as
      select row_number() over () as n, * from read_csv(${sqlString(widePath)}, header = true, columns = {${columns}},
        delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false, max_line_size = 20000000)`);
    // Each entity's distinct records as typed, numbered by first appearance; each row gets the number.
    for (const [name, t] of Object.entries(ENTITY_TABLES)) {
      await conn.run(`create table ${name} as
        select row_number() over (order by first_n) as ${t.ref}, * exclude (first_n, h) from (
          select ${hashOf(t.columns)} as h, min(n) as first_n, ${t.columns.map((c) => `any_value(${sqlIdent(c)}) as ${sqlIdent(c)}`).join(", ")}
          from wide group by 1)`);
      await conn.run(`create table ${name}_keys as select ${t.ref}, ${hashOf(t.columns)} as h from ${name}`);
    }
    const refOf = (entity: string, alias: string) => {
      const t = ENTITY_TABLES[entity];
      return `(select k.${t.ref} from ${entity}_keys k where k.h = ${hashOf(t.columns, alias + ".")})`;
    };
    await conn.run(`create table sale_rows as
      select w.*, ${refOf("customers", "w")} as customer_ref, ${refOf("products", "w")} as product_ref, ${refOf("suppliers", "w")} as supplier_ref,
             ${refOf("carriers", "w")} as carrier_ref, ${refOf("warehouses", "w")} as warehouse_ref
      from wide w where upper(trim(record_type)) = 'SALE'`);
    const orderColumns = [...ORDERS.columns, ...ORDERS.refs!];
    const orderHash = `md5(concat_ws(chr(31), ${orderColumns.map((c) => `coalesce(${sqlIdent(c)}::varchar, chr(0))`).join(", ")}))`;
    await conn.run(`create table orders as
      select row_number() over (order by first_n) as order_ref, * exclude (first_n, h) from (
        select ${orderHash} as h, min(n) as first_n, ${orderColumns.map((c) => `any_value(${sqlIdent(c)}) as ${sqlIdent(c)}`).join(", ")}
        from sale_rows group by 1)`);
    await conn.run(`create table order_keys as select order_ref, ${orderHash} as h from orders`);
    await conn.run(`create table order_lines as
      select (select k.order_ref from order_keys k where k.h = ${orderHash.replace(/coalesce\("/g, 'coalesce(s."')}) as order_ref,
             product_ref, supplier_ref, warehouse_ref, ${ORDER_LINES.columns.map(sqlIdent).join(", ")}, n
      from sale_rows s`);
    await conn.run(`create table stock as
      select ${refOf("products", "w")} as product_ref, ${refOf("suppliers", "w")} as supplier_ref, ${refOf("warehouses", "w")} as warehouse_ref,
             ${STOCK.columns.map(sqlIdent).join(", ")}, n
      from wide w where upper(trim(record_type)) = 'STOCK'`);
    const rows: Record<string, number> = {};
    const headers = normalisedHeaders();
    const write = async (table: string, file: string, order: string) => {
      const target = path.join(outDir, file);
      // Every value quoted, so that stray spaces (defects the cleansing must see) survive any reader.
      await conn.run(`copy (select ${headers[table].map(sqlIdent).join(", ")} from ${table} order by ${order})
        to ${sqlString(target)} (header, delimiter ',', quote '"', escape '"', force_quote *, compression gzip)`);
      const [{ c }] = await queryRows<{ c: number }>(conn, `select count(*)::bigint as c from ${table}`);
      rows[table] = c;
    };
    await write("orders", ORDERS.file, "order_ref");
    await write("order_lines", ORDER_LINES.file, "n");
    for (const [name, t] of Object.entries(ENTITY_TABLES)) await write(name, t.file, t.ref!);
    await write("stock", STOCK.file, "n");
    return rows;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
