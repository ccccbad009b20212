import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { SqlExecutor } from '../../store/sqlClient.js';

/**
 * Copies the rows of one store's tables into another's with the same schema, in pages, over
 * any two `SqlExecutor`s. Rows travel as PostgreSQL's own text form of an array of table rows
 * (`array_agg(t)::text` on the source, `unnest($1::t[])` on the target), the per-type text I/O
 * that COPY uses, never as JavaScript values: microsecond timestamps, 64-bit integers, floats,
 * bytea, and a jsonb `null` (JSON would make it SQL NULL) all come back exactly.
 *
 * Table, column and key names come from the catalog of the migrated schema, never from input,
 * and are always quoted.
 */

/** A table as the catalog describes it. */
export interface TableShape {
  readonly name: string;
  readonly columns: readonly string[];
  /** The primary key's columns, in key order: pages are read in this order. */
  readonly key: readonly string[];
}

/**
 * The migration ledger is each store's own (same migrations, own timestamps): never copied. The
 * snapshot and folder counts neither: the target's triggers add them as the snapshots are copied
 * in (migrations 0016 and 0017), so copying them too would count every snapshot twice.
 */
const NOT_COPIED = new Set(['schema_migrations', 'crdt_snapshot_counts', 'crdt_folder_counts']);

/** A page holds at most this many rows, and stops after the row that passes this many bytes. */
export const PAGE_ROWS = 2_000;
export const PAGE_BYTES = 8 * 1024 * 1024;

const SELECT_TABLES = `
SELECT c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname`;

const TABLE_OID = `(quote_ident(current_schema()) || '.' || quote_ident($1))::regclass`;

const SELECT_COLUMNS = `
SELECT a.attname AS name
FROM pg_attribute a
WHERE a.attrelid = ${TABLE_OID} AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
ORDER BY a.attnum`;

const SELECT_KEY = `
SELECT a.attname AS name
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = ${TABLE_OID} AND i.indisprimary
ORDER BY k.position`;

const SELECT_SEQUENCES = `
SELECT c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'S'
ORDER BY c.relname`;

const SET_SEQUENCE = `SELECT setval(${TABLE_OID}, $2::bigint, $3::boolean)`;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The tables to copy (every table of the schema but the migration ledger), from the catalog. */
export async function describeTables(db: SqlExecutor): Promise<TableShape[]> {
  const tables: TableShape[] = [];
  for (const { name } of await db.query<{ name: string }>(SELECT_TABLES)) {
    if (NOT_COPIED.has(name)) continue;
    const columns = (await db.query<{ name: string }>(SELECT_COLUMNS, [name])).map((r) => r.name);
    const key = (await db.query<{ name: string }>(SELECT_KEY, [name])).map((r) => r.name);
    if (key.length === 0) throw new Error(`table ${name} has no primary key to page by`);
    tables.push({ name, columns, key });
  }
  return tables;
}

/** Refuses two schemas that differ: the copy is only meaningful between equal ones. */
export function assertSameTables(source: readonly TableShape[], target: readonly TableShape[]) {
  const text = (tables: readonly TableShape[]) => JSON.stringify(tables);
  if (text(source) !== text(target))
    throw new NetGuardianError(
      'StoreError',
      'the two stores have different tables after migrating: refusing to copy between them',
    );
}

export async function countRows(db: SqlExecutor, table: TableShape): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${quoteIdent(table.name)}`,
  );
  return Number(row?.n ?? 0);
}

/** The first table that holds a row, or undefined when every table is empty. */
export async function firstNonEmptyTable(
  db: SqlExecutor,
  tables: readonly TableShape[],
): Promise<string | undefined> {
  for (const table of tables) {
    const rows = await db.query(`SELECT 1 FROM ${quoteIdent(table.name)} LIMIT 1`);
    if (rows.length > 0) return table.name;
  }
  return undefined;
}

/**
 * Session settings under which the source's text output reads back exactly anywhere: ISO dates,
 * PostgreSQL-style intervals, shortest exact floats, hex bytea. Run once on the source session.
 */
export const EXACT_TEXT_SETTINGS = `
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 1;
SET bytea_output = 'hex'`;

/**
 * One page: up to `PAGE_ROWS` rows after the key `$3..`, in key order, cut after the row that
 * passes `PAGE_BYTES`; with the page's last key as text, for the next page.
 */
function pageQuery(table: TableShape, first: boolean): string {
  const keys = table.key.map((k, i) => ({ column: quoteIdent(k), alias: `ng_k${i}` }));
  const tableOrder = keys.map((k) => `t.${k.column}`).join(', ');
  const pageOrder = keys.map((k) => `p.${k.alias}`).join(', ');
  const after = first
    ? ''
    : `WHERE (${tableOrder}) > (${keys.map((_, i) => `$${i + 3}`).join(', ')})`;
  return `
WITH p AS (
  SELECT t AS ng_row, ${keys.map((k) => `t.${k.column} AS ${k.alias}`).join(', ')},
         sum(pg_column_size(t.*)) OVER (ORDER BY ${tableOrder} ROWS UNBOUNDED PRECEDING)
           - pg_column_size(t.*) AS ng_bytes_before
  FROM ${quoteIdent(table.name)} t ${after}
  ORDER BY ${tableOrder}
  LIMIT $1
)
SELECT array_agg(p.ng_row ORDER BY ${pageOrder})::text AS rows,
       count(*)::int AS n,
       (array_agg(json_build_array(${keys.map((k) => `p.${k.alias}::text`).join(', ')})
                  ORDER BY ${keys.map((k) => `p.${k.alias} DESC`).join(', ')}))[1]::text AS last_key
FROM p
WHERE p.ng_bytes_before < $2`;
}

function insertQuery(table: TableShape): string {
  const columns = table.columns.map(quoteIdent).join(', ');
  const name = quoteIdent(table.name);
  return `
INSERT INTO ${name} (${columns}) OVERRIDING SYSTEM VALUE
SELECT ${columns} FROM unnest($1::${name}[]) AS ng_page`;
}

/** Copies every row of `table`; returns how many. Memory: one page at a time. */
export async function copyTableRows(
  source: SqlExecutor,
  target: SqlExecutor,
  table: TableShape,
): Promise<number> {
  const insert = insertQuery(table);
  let copied = 0;
  let after: string[] | undefined;
  for (;;) {
    const [page] = await source.query<{ rows: string | null; n: number; last_key: string | null }>(
      pageQuery(table, after === undefined),
      [PAGE_ROWS, PAGE_BYTES, ...(after ?? [])],
    );
    if (page === undefined || page.n === 0 || page.rows === null || page.last_key === null)
      return copied;
    await target.query(insert, [page.rows]);
    copied += page.n;
    after = JSON.parse(page.last_key) as string[];
  }
}

/**
 * Sets each sequence of the target (the `id`s of events, sync log, quarantine) to the source's
 * state, so new rows continue after the copied ids. `setval` is not transactional: called last.
 */
export async function copySequences(source: SqlExecutor, target: SqlExecutor): Promise<void> {
  for (const { name } of await source.query<{ name: string }>(SELECT_SEQUENCES)) {
    const [state] = await source.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM ${quoteIdent(name)}`,
    );
    if (state === undefined) throw new Error(`sequence ${name} has no state`);
    await target.query(SET_SEQUENCE, [name, state.last_value, state.is_called]);
  }
}
