import { mkdir } from 'node:fs/promises';
import { PGlite, protocol, types } from '@electric-sql/pglite';
import type { QueryOptions, SqlClient, SqlExecutor, Unlisten } from './sqlClient.js';

interface PgliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(script: string): Promise<unknown>;
}

/** A statement prepared once on PGlite's single session: its parameter and result types. */
interface Prepared {
  readonly text: string;
  readonly paramTypes: readonly number[];
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
}

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * Named statements on PGlite, through its wire-protocol entry point. `PGlite.query` parses,
 * describes and plans every statement anew in six protocol round trips into the WebAssembly
 * module (about three quarters of a local write's time); a prepared statement is one Bind,
 * Execute and Sync, and its plan is cached. Values are serialized and results parsed with the
 * instance's own serializers and parsers, by the types PostgreSQL described, as `query` does.
 */
class PreparedStatements {
  private readonly statements = new Map<string, Prepared>();

  constructor(private readonly db: PGlite) {}

  /** Runs `name` (preparing it first); the caller holds PGlite's query lock. */
  async run<R>(name: string, text: string, params: readonly unknown[]): Promise<R[]> {
    const stmt = this.statements.get(name) ?? (await this.prepare(name, text));
    if (stmt.text !== text) throw new Error(`statement ${name} was prepared with another text`);
    const values = params.map((p, i) => {
      if (p === null || p === undefined) return null;
      const serialize = this.db.serializers[stmt.paramTypes[i] ?? 0];
      if (serialize) return serialize(p);
      // Parameters are strings, numbers, booleans or JSON values; objects go as JSON text.
      return typeof p === 'object'
        ? JSON.stringify(p)
        : `${p as string | number | boolean | bigint}`;
    });
    const { messages } = await this.db.execProtocol(
      concat([
        protocol.serialize.bind({ statement: name, values }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]),
    );
    const rows: R[] = [];
    for (const m of messages) {
      if (!(m instanceof protocol.messages.DataRowMessage)) continue;
      const row: Record<string, unknown> = {};
      m.fields.forEach((value, i) => {
        const field = stmt.fields[i];
        if (field) row[field.name] = types.parseType(value, field.dataTypeID, this.db.parsers);
      });
      rows.push(row as R);
    }
    return rows;
  }

  private async prepare(name: string, text: string): Promise<Prepared> {
    const { messages } = await this.db.execProtocol(
      concat([
        protocol.serialize.parse({ name, text, types: [] }),
        protocol.serialize.describe({ type: 'S', name }),
        protocol.serialize.sync(),
      ]),
    );
    let paramTypes: readonly number[] = [];
    let fields: Prepared['fields'] = [];
    for (const m of messages) {
      if (m instanceof protocol.messages.ParameterDescriptionMessage) paramTypes = m.dataTypeIDs;
      if (m instanceof protocol.messages.RowDescriptionMessage)
        fields = m.fields.map((f) => ({
          name: f.name,
          dataTypeID: f.dataTypeID,
        }));
    }
    const stmt = { text, paramTypes, fields };
    this.statements.set(name, stmt);
    return stmt;
  }
}

const wrap = (
  db: PgliteLike,
  named: (name: string, text: string, params: readonly unknown[]) => Promise<unknown[]>,
): SqlExecutor => ({
  async query<R>(
    text: string,
    params: readonly unknown[] = [],
    options?: QueryOptions,
  ): Promise<R[]> {
    if (options?.name !== undefined) return (await named(options.name, text, params)) as R[];
    return (await db.query<R>(text, [...params])).rows;
  },
  async exec(script: string): Promise<void> {
    await db.exec(script);
  },
});

/**
 * Server settings for a device's PGlite, on top of PGlite's own start parameters.
 *
 * shared_buffers: PostgreSQL's default of 128MB is allocated and zeroed inside the WebAssembly
 * memory at startup, so it is resident for the daemon's whole life (about 125 MiB of a 410 MiB
 * idle daemon). A device's store is tens of MiB at most and the files under PGlite's data
 * directory stay in the OS page cache, so a buffer miss costs a copy, not a disk read; 16MB
 * keeps the hot indexes in buffers (the folder bench showed no slowdown) and the daemon
 * under the memory target of issue 3.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
};

const startParams = (): string[] => [
  ...PGlite.defaultStartParams,
  ...Object.entries(PGLITE_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
];

/**
 * Opens PGlite persisted in `dataDir` (the embedded default), or in memory
 * when `dataDir` is undefined (tests, benchmarks of the baseline).
 */
export async function openPgliteClient(dataDir?: string): Promise<SqlClient> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const options = { startParams: startParams() };
  const db =
    dataDir === undefined ? await PGlite.create(options) : await PGlite.create(dataDir, options);
  const prepared = new PreparedStatements(db);
  // The locks `PGlite.query` takes: outside a transaction, wait for any transaction to end (or
  // the statement would run inside it) and for the query in progress; inside our own
  // transaction (which holds the first lock), only for the query lock.
  const base = wrap(db, (name, text, params) =>
    db._runExclusiveTransaction(() => db.runExclusive(() => prepared.run(name, text, params))),
  );
  const inTransaction = (name: string, text: string, params: readonly unknown[]) =>
    db.runExclusive(() => prepared.run(name, text, params));
  return {
    kind: 'pglite',
    description: dataDir === undefined ? 'pglite (in memory)' : `pglite at ${dataDir}`,
    query: (text, params, options) => base.query(text, params, options),
    exec: (script) => base.exec(script),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx, inTransaction)));
    },
    async listen(channel: string, onNotify: (payload: string) => void): Promise<Unlisten> {
      return db.listen(channel, onNotify);
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
}
