import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor, Unlisten } from './sqlClient.js';

interface PgliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(script: string): Promise<unknown>;
}

const wrap = (db: PgliteLike): SqlExecutor => ({
  async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await db.query<R>(text, [...params])).rows;
  },
  async exec(script: string): Promise<void> {
    await db.exec(script);
  },
});

/**
 * Opens PGlite persisted in `dataDir` (the embedded default), or in memory
 * when `dataDir` is undefined (tests, benchmarks of the baseline).
 */
export async function openPgliteClient(dataDir?: string): Promise<SqlClient> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
  const base = wrap(db);
  return {
    kind: 'pglite',
    description: dataDir === undefined ? 'pglite (in memory)' : `pglite at ${dataDir}`,
    query: (text, params) => base.query(text, params),
    exec: (script) => base.exec(script),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async listen(channel: string, onNotify: (payload: string) => void): Promise<Unlisten> {
      return db.listen(channel, onNotify);
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
}
