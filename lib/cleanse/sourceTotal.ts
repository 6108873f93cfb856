/**
 * The export's own net total, as the source computes it: quantity x unit price x (1 - discount)
 * for each sale line, summed exactly (no rounding per line), over the lines the cleansing kept,
 * read from their raw text in the split stage's output. The warehouse's grand net total must
 * equal it (gate `reconcile.source.net_total`, lib/warehouse/gates.ts): a rounding of each line to
 * the cent before summing, as fact_sales once did, shows there (issue 23: 0.28 on a real extract),
 * where the staged-against-loaded reconciliation cannot see it (both sides rounded alike).
 *
 * A raw value that is not a plain decimal (`12,50`, `€ 3`) is the source's formatting, not another
 * number: the line then uses the cleansed value, and the count of such lines is reported.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../engine/native";

export interface SourceTotals {
  /** Sum of quantity x unit price x (1 - discount) over the kept sale lines, exact (6 decimals), as text. */
  netAmount: string;
  /** Kept sale lines summed. */
  lines: number;
  /** Lines with a raw amount that was not a plain decimal (their cleansed value was used). */
  linesFromCleansedValues: number;
  formula: string;
}

export async function sourceNetTotal(conn: DuckDBConnection, splitOrderLines: string, cleanOrderLines: string): Promise<SourceTotals> {
  // A kept line's quantity is a whole number and its amount under MAX_LINE_AMOUNT_EUR
  // (AMOUNT_OUT_OF_RANGE): quantity x price fits DECIMAL(18, 6); only the product with
  // (1 - discount), with its 12 decimals, needs 38 digits. (Two DECIMAL(18, 6) multiplied overflowed
  // from 10^6; every value parsed as DECIMAL(38, 6) took fifteen times as long.)
  const raw = (column: string, type = "decimal(18, 6)") => `try_cast(trim(r.${column}) as ${type})`;
  const [t] = await queryRows<{ net: string | null; lines: number; fallback: number }>(
    conn,
    `with lines as (
       select ${raw("quantity", "decimal(18, 0)")} as q_raw, ${raw("unit_price")} as p_raw,
              case when r.discount is null or trim(r.discount) = '' then 0::decimal(18, 6) else ${raw("discount")} end as d_raw,
              k.quantity::decimal(18, 0) as q, k.unit_price as p, coalesce(k.discount, 0) as d
       from read_parquet(${sqlString(cleanOrderLines)}) k
       join read_parquet(${sqlString(splitOrderLines)}) r on r.source_file = k.source_file and r.source_line = k.source_line
     )
     select cast(sum(cast(coalesce(q_raw, q) * coalesce(p_raw, p) as decimal(38, 6)) * (1 - coalesce(d_raw, d))) as decimal(38, 6))::varchar as net,
            count(*)::bigint as lines,
            count(*) filter (where q_raw is null or p_raw is null or d_raw is null)::bigint as fallback
     from lines`,
  );
  return {
    netAmount: t.net ?? "0.000000",
    lines: t.lines,
    linesFromCleansedValues: t.fallback,
    formula: "sum over the kept sale lines of quantity x unit_price x (1 - discount), exact",
  };
}
