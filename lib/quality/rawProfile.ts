import * as path from "node:path";
import { openNative, queryRows, sqlIdent, sqlString } from "../engine/native";
import { RAW_COLUMNS } from "../raw/contract";
import { SPLIT_ENTITIES } from "../split/split";

export interface RawColumnProfile {
  column: string;
  group: string;
  rows: number;
  empty: number;
  distinct: number;
  /** Values with leading/trailing or doubled white space. */
  strayWhitespace: number;
}

export interface DateShape {
  column: string;
  shape: string;
  values: number;
}

/**
 * Measures the defects of the staged raw values (before any cleansing): emptiness, stray white
 * space, and for date columns the distribution of shapes (digits replaced by 9), which shows
 * the mixed formats the cleanser must parse.
 */
export async function profileStagedRaw(splitDir: string): Promise<{ columns: RawColumnProfile[]; dateShapes: DateShape[] }> {
  const { instance, conn } = await openNative();
  try {
    for (const entity of SPLIT_ENTITIES) {
      await conn.run(`create view ${entity} as select * from read_parquet(${sqlString(path.join(splitDir, `${entity}.parquet`))})`);
    }
    const columns: RawColumnProfile[] = [];
    const dateShapes: DateShape[] = [];
    // Line-level columns are profiled on lines and snapshots; entity attributes on their entity.
    const home: Record<string, string> = {
      order: "order_lines", stock: "stock_snapshots", customer: "customers", product: "products",
      supplier: "suppliers", carrier: "carriers", warehouse: "warehouses",
    };
    for (const c of RAW_COLUMNS) {
      if (c.group === "record" || c.neverLoaded) continue;
      const table = ["unit_cost", "unit_price", "quantity", "discount"].includes(c.name) || c.name === "freight_cost" || c.name === "shipping_mode" ? "order_lines" : home[c.group];
      const described = await queryRows<{ column_name: string }>(conn, `select column_name from (describe ${table})`);
      if (!described.some((d) => d.column_name === c.name)) continue;
      const col = sqlIdent(c.name);
      const [r] = await queryRows<{ rows: number; empty: number; distinct: number; ws: number }>(
        conn,
        `select count(*)::bigint as rows,
                count(*) filter (where ${col} is null or trim(${col}) = '')::bigint as empty,
                count(distinct ${col})::bigint as distinct,
                count(*) filter (where ${col} <> trim(${col}) or ${col} like '%  %')::bigint as ws
         from ${table}`,
      );
      columns.push({ column: c.name, group: c.group, rows: r.rows, empty: r.empty, distinct: r.distinct, strayWhitespace: r.ws });
      if (/_date$/.test(c.name)) {
        const shapes = await queryRows<{ shape: string; values: number }>(
          conn,
          `select regexp_replace(trim(${col}), '[0-9]', '9', 'g') as shape, count(*)::bigint as values
           from ${table} where ${col} is not null group by all order by values desc, shape`,
        );
        for (const s of shapes) dateShapes.push({ column: c.name, shape: s.shape, values: s.values });
      }
    }
    return { columns, dateShapes };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
