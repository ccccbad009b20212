/**
 * An AppService on a real device for integration tests: a temp folder, a data
 * directory, a store (in-memory PGlite: the service's logic is the same on any
 * store; `test/owner/` runs the real owner with its PostgreSQL server), a config
 * (local only, or with a hub), and a way to wait for a condition that is
 * re-checked on every push the service sends (never a fixed sleep).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createAppService, type AppService } from '../../src-main/core/app/appService.js';
import { createOwnHub } from '../../src-main/core/app/ownHub.js';
import { writeDeviceConfig, type DeviceConfig } from '../../src-main/core/deviceConfig.js';
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
  /** Resolves once `check` holds; re-checked after every push. */
  until(check: () => boolean | Promise<boolean>, what: string): Promise<void>;
  close(): Promise<void>;
}

export async function openAppHarness(
  options: {
    readonly name?: string;
    readonly spaceId?: string;
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
  const ownHub = options.ownHubDatabaseUrl
    ? createOwnHub({ dataDir, databaseUrl: options.ownHubDatabaseUrl })
    : undefined;
  const service = await createAppService({
    dataDir,
    store,
    quietMs: 30,
    statePushMs: 20,
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
