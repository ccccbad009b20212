/**
 * An AppService on a real device for integration tests: a temp folder, a data
 * directory, a store (in-memory PGlite: the service's logic is the same on any
 * store; `test/owner/` runs the real owner with its PostgreSQL server), a config
 * (local only, paired with a hub's service, or with an older PostgreSQL hub's URL), and a way
 * to wait for a condition that is
 * re-checked on every push the service sends (never a fixed sleep).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createAppService, type AppService } from '../../src-main/core/app/appService.js';
import type { HubServiceAccess } from '../../src-main/core/device/hubAccess.js';
import { createOwnHub } from '../../src-main/core/app/ownHub.js';
import { writeDeviceConfig, type DeviceConfig } from '../../src-main/core/deviceConfig.js';
import { loadOrCreateDeviceIdentity } from '../../src-main/core/store/deviceIdentity.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgliteClient } from '../../src-main/core/store/pgliteClient.js';
import type { FileRow, PushMessage } from '../../src-shared/ipc/contract.js';
import { makeTempDir, type TempDir } from './tempDir.js';

export interface AppHarness {
  readonly dir: TempDir;
  readonly dataDir: string;
  readonly folder: string;
  readonly service: AppService;
  readonly pushes: PushMessage[];
  /** The store's node id (the one paired with the hub). */
  readonly nodeId: string;
  /** Resolves once `check` holds; re-checked after every push. */
  until(check: () => boolean | Promise<boolean>, what: string): Promise<void>;
  close(): Promise<void>;
}

export async function openAppHarness(
  options: {
    readonly name?: string;
    readonly spaceId?: string;
    /**
     * Pairs the device (its store's node id) with a hub's service, as `init --join` does:
     * `(nodeId, deviceName, spaceId) => access`, e.g. `TestHub.pair`.
     */
    readonly pair?: (
      nodeId: string,
      deviceName: string,
      spaceId: string,
    ) => Promise<HubServiceAccess>;
    /** An older hub's PostgreSQL URL (tests about that hub as such). */
    readonly hub?: string;
    readonly paused?: boolean;
    readonly start?: boolean;
    readonly dir?: TempDir;
    /**
     * Lets the service run a hub of its own (`hub:create`) on this PostgreSQL database, as the
     * owner does with an embedded one.
     */
    readonly ownHubDatabaseUrl?: string;
  } = {},
): Promise<AppHarness> {
  const dir = options.dir ?? (await makeTempDir('ng-app-'));
  const dataDir = path.join(dir.path, 'data');
  const folder = path.join(dir.path, 'folder');
  await mkdir(folder, { recursive: true });
  const config: DeviceConfig = {
    version: 1,
    folder,
    spaceId: options.spaceId ?? 'default',
    deviceName: options.name ?? 'laptop',
    hub: options.hub ? { url: options.hub, ssl: 'off' } : null,
    syncIntervalMs: 60_000,
    rescanIntervalMs: 15 * 60_000,
    paused: options.paused ?? false,
  };
  await writeDeviceConfig(dataDir, config);
  const store = await EventStore.open(await openPgliteClient());
  // The id the device's CRDTManager will find in the store: the one the hub pairs.
  const { nodeId } = await loadOrCreateDeviceIdentity(store.client, { name: config.deviceName });
  const hubService = options.pair
    ? await options.pair(nodeId, config.deviceName, config.spaceId)
    : undefined;
  const ownHub = options.ownHubDatabaseUrl
    ? createOwnHub({ dataDir, databaseUrl: options.ownHubDatabaseUrl })
    : undefined;
  const service = await createAppService({
    dataDir,
    store,
    quietMs: 30,
    statePushMs: 20,
    // A paired device keeps no PostgreSQL URL in its config: the service access comes in here.
    ...(hubService ? { resolveHub: () => Promise.resolve({ hubService }) } : {}),
    ...(ownHub ? { ownHub } : {}),
  });
  const pushes: PushMessage[] = [];
  const waiters = new Set<() => void>();
  service.subscribe((m) => {
    pushes.push(m);
    for (const wake of [...waiters]) wake();
  });
  if (options.start !== false) await service.start();
  return {
    dir,
    dataDir,
    folder: service.root,
    service,
    pushes,
    nodeId,
    until: (check, what) =>
      new Promise<void>((resolve, reject) => {
        let busy = false;
        let again = false;
        const wake = () => {
          if (busy) {
            again = true;
            return;
          }
          busy = true;
          Promise.resolve(check())
            .then((done) => {
              busy = false;
              if (done) {
                waiters.delete(wake);
                resolve();
              } else if (again) {
                again = false;
                wake();
              }
            })
            .catch((e: unknown) => {
              waiters.delete(wake);
              reject(new Error(`${what}: ${(e as Error).message}`));
            });
        };
        // Listen first, then check: a push during the first check is not missed.
        waiters.add(wake);
        wake();
      }),
    close: async () => {
      await service.close();
      await ownHub?.stop();
      await store.close();
      if (!options.dir) await dir.cleanup();
    },
  };
}

/** The files screen's row for exactly `relPath` (a search by its path, as the UI does). */
export async function fileRow(service: AppService, relPath: string): Promise<FileRow | undefined> {
  const page = await service['files:list']({ query: relPath, offset: 0, limit: 10 });
  return page.rows.find((r) => r.path === relPath);
}
