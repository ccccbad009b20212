import { serveControlChannel } from '../device/controlChannel/server.js';
import { openOwnedStore } from '../device/ownedStore.js';
import { keepDataDirPrivate } from '../device/privateDataDir.js';
import { readDeviceConfig } from '../deviceConfig.js';
import type { Logger } from '../log.js';
import { createAppService, type AppService } from './appService.js';
import type { HubResolver } from './deviceHost.js';
import { createOwnHub } from './ownHub.js';

/**
 * The one process that runs a device: `netguardian start`, `serve`, the desktop app's core, or a
 * CLI command when none of those runs. It owns the data dir (lock, PostgreSQL server, store; see
 * `ownedStore.ts`), runs the app service on it, and serves the same contract on the data dir's
 * control channel, so every other process (CLI commands, a second app window) talks to it and
 * none opens the store itself.
 */
export interface DeviceOwner {
  readonly service: AppService;
  /** Stops serving, closes the service, the store and the server, and releases the lock. */
  close(): Promise<void>;
}

export interface DeviceOwnerOptions {
  readonly dataDir: string;
  /** What this process is, for a refused second one to name ("netguardian start (pid 42)"). */
  readonly command: string;
  readonly resolveHub?: HubResolver;
  readonly log?: Logger;
  readonly quietMs?: number;
  readonly statePushMs?: number;
  /**
   * Whether this owner runs the hub this computer hosts (`own-hub.json`) and may create one;
   * default true. A one-shot command may pass false: the hub then waits for the next daemon.
   */
  readonly runOwnHub?: boolean;
}

export async function openDeviceOwner(options: DeviceOwnerOptions): Promise<DeviceOwner> {
  const config = await readDeviceConfig(options.dataDir);
  if (!config.ok) throw config.error;
  await keepDataDirPrivate(options.dataDir, options.log);
  const owned = await openOwnedStore({
    dataDir: options.dataDir,
    command: options.command,
    folder: config.value.folder,
    ...(options.log ? { log: options.log } : {}),
  });
  let service: AppService | undefined;
  // The hub this computer runs for its devices (created in the app), started before the device
  // so the device's first sync finds it. A hub that can't start leaves the device offline, not
  // closed: its state says it can't reach the hub.
  const ownHub =
    options.runOwnHub === false
      ? undefined
      : createOwnHub({ dataDir: options.dataDir, ...(options.log ? { log: options.log } : {}) });
  try {
    await ownHub?.resume();
  } catch (e) {
    options.log?.error({ error: (e as Error).message }, 'the hub on this computer could not start');
  }
  try {
    service = await createAppService({
      ...(ownHub ? { ownHub } : {}),
      dataDir: options.dataDir,
      store: owned.store,
      ...(options.resolveHub ? { resolveHub: options.resolveHub } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.quietMs !== undefined ? { quietMs: options.quietMs } : {}),
      ...(options.statePushMs !== undefined ? { statePushMs: options.statePushMs } : {}),
    });
    const channel = await serveControlChannel({
      dataDir: options.dataDir,
      service,
      ...(options.log ? { log: options.log } : {}),
    });
    const running = service;
    let closing: Promise<void> | undefined;
    return {
      service: running,
      close: () =>
        (closing ??= (async () => {
          try {
            await channel.close();
            await running.close();
          } finally {
            await ownHub?.stop().catch(() => undefined);
            await owned.close();
          }
        })()),
    };
  } catch (e) {
    await service?.close().catch(() => undefined);
    await ownHub?.stop().catch(() => undefined);
    await owned.close();
    throw e;
  }
}
