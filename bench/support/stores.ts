/**
 * Fresh, migrated event stores of both kinds: a PGlite device store persisted in a temp data
 * directory (as a device runs by default), or a fresh database on the bench's PostgreSQL server.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import { openPgliteClient } from '../../src-main/core/store/pgliteClient.js';
import type { PgServer } from './postgres.js';

export type StoreKind = 'pglite' | 'postgres';

export const STORE_LABEL: Readonly<Record<StoreKind, string>> = {
  pglite: 'PGlite',
  postgres: 'PostgreSQL',
};

export interface OpenedStore {
  readonly kind: StoreKind;
  readonly store: EventStore;
  dispose(): Promise<void>;
}

export interface StoreFactory {
  /** `name` is a short lowercase tag (`device_a`, `hub`): it prefixes the temp dir or database. */
  open(kind: StoreKind, name: string): Promise<OpenedStore>;
  /** Removes the PGlite template. Stores already opened are disposed on their own. */
  dispose(): Promise<void>;
}

/**
 * PGlite stores are copies of one freshly migrated template data directory: opening a copy
 * skips PGlite's initdb, which costs seconds per store, and gives the same fresh store.
 */
export function storeFactory(server: PgServer): StoreFactory {
  let root: Promise<string> | undefined;
  const template = () =>
    (root ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'netguardian-bench-pglite-'));
      const store = await EventStore.open(await openPgliteClient(join(dir, 'template')));
      await store.close();
      return dir;
    })());
  let copies = 0;

  const openPglite = async (name: string): Promise<OpenedStore> => {
    const dir = await template();
    const dataDir = join(dir, `${name}-${++copies}`);
    await cp(join(dir, 'template'), dataDir, { recursive: true });
    try {
      const store = await EventStore.open(await openPgliteClient(dataDir));
      return {
        kind: 'pglite',
        store,
        async dispose() {
          await store.close();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      await rm(dataDir, { recursive: true, force: true });
      throw e;
    }
  };

  const openPostgres = async (name: string): Promise<OpenedStore> => {
    const db = await server.createDatabase(`ng_bench_${name}`);
    try {
      const store = await EventStore.open(
        await openPgClient({ connectionString: db.url, applicationName: 'netguardian-bench' }),
      );
      return {
        kind: 'postgres',
        store,
        async dispose() {
          await store.close();
          await db.drop();
        },
      };
    } catch (e) {
      await db.drop();
      throw e;
    }
  };

  return {
    open: (kind, name) => (kind === 'pglite' ? openPglite(name) : openPostgres(name)),
    async dispose() {
      if (root) await rm(await root, { recursive: true, force: true });
    },
  };
}
