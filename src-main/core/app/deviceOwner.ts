import { serveControlChannel } from '../device/controlChannel/server.js';
import { openOwnedStore } from '../device/ownedStore.js';
import { readDeviceConfig } from '../deviceConfig.js';
import type { Logger } from '../log.js';
import { createAppService, type AppService } from './appService.js';
import type { HubResolver } from './deviceHost.js';

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
}

export async function openDeviceOwner(options: DeviceOwnerOptions): Promise<DeviceOwner> {
  const config = await readDeviceConfig(options.dataDir);
  if (!config.ok) throw config.error;
  const owned = await openOwnedStore({
    dataDir: options.dataDir,
    command: options.command,
    folder: config.value.folder,
    ...(options.log ? { log: options.log } : {}),
  });
  let service: AppService | undefined;
  try {
    service = await createAppService({
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
            await owned.close();
          }
        })()),
    };
  } catch (e) {
    await service?.close().catch(() => undefined);
    await owned.close();
    throw e;
  }
}
