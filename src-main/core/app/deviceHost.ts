import { readFile } from 'node:fs/promises';
import { Device, type DeviceEvent } from '../device/device.js';
import type { HubServiceAccess } from '../device/hubAccess.js';
import { readHubCredential } from '../device/hubCredential.js';
import { openHubAddressBook } from '../hubClient/hubAddressBook.js';
import {
  isServiceHub,
  readDeviceConfig,
  writeDeviceConfig,
  type DeviceConfig,
} from '../deviceConfig.js';
import type { Logger } from '../log.js';
import type { EventStore } from '../store/eventStore.js';
import type { PgClientOptions } from '../store/pgClient.js';

/**
 * The app's one Device and its config: opens it from a data directory,
 * persists config changes, and reopens it when the hub changes (a Device
 * binds its hub at open). Requests made while it reopens wait for it.
 */

/** The hub a device opens with: its sync service, or (the older way) a PostgreSQL server. */
export interface DeviceHub {
  readonly hub?: PgClientOptions;
  readonly hubService?: HubServiceAccess;
}

export type HubResolver = (config: DeviceConfig, dataDir: string) => Promise<DeviceHub>;

export interface DeviceHostOptions {
  readonly dataDir: string;
  /** The device's store, opened by the data dir's owner; it outlives every reopen of the device. */
  readonly store: EventStore;
  /** The hub connection for a config; default: the config's own hub (no environment). */
  readonly resolveHub?: HubResolver;
  readonly log?: Logger;
  readonly onEvent: (event: DeviceEvent) => void;
  /** Watcher debounce (ms). */
  readonly quietMs?: number;
}

/**
 * The hub a config names: the sync service with the credential kept in the data dir, or a
 * PostgreSQL server with its TLS settings (the CA file read here).
 */
export const hubFromConfig: HubResolver = async (config, dataDir) => {
  if (!config.hub) return {};
  if (isServiceHub(config.hub))
    return {
      hubService: {
        address: config.hub.address,
        fingerprint: config.hub.fingerprint,
        credential: await readHubCredential(dataDir),
        alternates: await openHubAddressBook(dataDir, config.hub.fingerprint),
      },
    };
  const { url, ssl, sslCaFile } = config.hub;
  if (ssl === 'off') return { hub: { connectionString: url } };
  if (ssl === 'require')
    return { hub: { connectionString: url, ssl: { rejectUnauthorized: false } } };
  return {
    hub: {
      connectionString: url,
      ssl: {
        rejectUnauthorized: true,
        ...(sslCaFile ? { ca: await readFile(sslCaFile, 'utf8') } : {}),
      },
    },
  };
};

export class DeviceHost {
  private current: Promise<Device>;
  private started = false;
  private closed = false;

  private constructor(
    private readonly options: DeviceHostOptions,
    private configValue: DeviceConfig,
    device: Device,
  ) {
    this.current = Promise.resolve(device);
  }

  static async open(options: DeviceHostOptions): Promise<DeviceHost> {
    const config = await readDeviceConfig(options.dataDir);
    if (!config.ok) throw config.error;
    const device = await DeviceHost.openDevice(options, config.value);
    return new DeviceHost(options, config.value, device);
  }

  private static async openDevice(
    options: DeviceHostOptions,
    config: DeviceConfig,
  ): Promise<Device> {
    const { hub, hubService } = await (options.resolveHub ?? hubFromConfig)(
      config,
      options.dataDir,
    );
    return Device.open({
      dataDir: options.dataDir,
      store: options.store,
      // A copy: the device may update its config in place (applySettings).
      config: { ...config },
      hub,
      hubService,
      onEvent: options.onEvent,
      ...(options.log ? { log: options.log } : {}),
      ...(options.quietMs !== undefined ? { quietMs: options.quietMs } : {}),
    });
  }

  get config(): DeviceConfig {
    return this.configValue;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** The hub the config names now, as the device opens it (its resolver). */
  hubAccess(): Promise<DeviceHub> {
    return (this.options.resolveHub ?? hubFromConfig)(this.configValue, this.options.dataDir);
  }

  /** The device, once any reopen in progress is done. */
  device(): Promise<Device> {
    return this.current;
  }

  /** Runs the daemon (watcher, live and periodic sync); again after every reopen. */
  async start(): Promise<void> {
    this.started = true;
    await (await this.current).start();
  }

  /** Writes the config; pause and interval apply live, a hub change reopens the device. */
  async updateConfig(next: DeviceConfig, reopen: boolean): Promise<void> {
    await writeDeviceConfig(this.options.dataDir, next);
    const previous = this.configValue;
    this.configValue = next;
    if (!reopen) {
      await (
        await this.current
      ).applySettings({
        paused: next.paused,
        syncIntervalMs: next.syncIntervalMs,
        deviceName: next.deviceName,
      });
      return;
    }
    let failure: Error | undefined;
    const swap = (async () => {
      const old = await this.current;
      await old.close();
      try {
        const device = await DeviceHost.openDevice(this.options, next);
        if (this.started) await device.start();
        return device;
      } catch (e) {
        // Back to what worked, and say why the new hub did not.
        this.configValue = previous;
        await writeDeviceConfig(this.options.dataDir, previous);
        const device = await DeviceHost.openDevice(this.options, previous);
        if (this.started)
          device.start().catch((err: unknown) =>
            this.options.onEvent({
              type: 'error',
              source: 'start',
              message: (err as Error).message,
            }),
          );
        failure = e instanceof Error ? e : new Error(JSON.stringify(e));
        return device;
      }
    })();
    this.current = swap;
    await swap;
    if (failure !== undefined) throw failure;
  }

  /**
   * Moves the synced folder (`move`, given the closed device: no watcher, scan or write runs in
   * it meanwhile), writes `next` (its new folder) and opens the device there. When the move
   * fails, or the config can't be written (the move is then undone), the device opens again as
   * it was and the failure is thrown. Requests wait meanwhile.
   */
  async moveFolder(
    next: DeviceConfig,
    move: () => Promise<{ readonly undo: () => Promise<void> }>,
  ): Promise<void> {
    const previous = this.configValue;
    let failure: Error | undefined;
    const swap = (async () => {
      await (await this.current).close();
      let config = previous;
      try {
        const moved = await move();
        try {
          await writeDeviceConfig(this.options.dataDir, next);
          config = next;
        } catch (e) {
          await moved.undo();
          throw e;
        }
      } catch (e) {
        failure = e instanceof Error ? e : new Error(String(e));
      }
      this.configValue = config;
      const device = await DeviceHost.openDevice(this.options, config);
      if (this.started) await device.start();
      return device;
    })();
    this.current = swap;
    await swap;
    if (failure !== undefined) throw failure;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await (await this.current.catch(() => undefined))?.close();
  }
}
