/**
 * In-process devices for the folder scenarios: a `Device` (scanner, materializer, watcher, sync
 * engine) on its own store in a temp data directory, syncing a temp folder through a hub: its
 * sync service (paired with an invite) or, the older way, its database as the device's own role
 * (hub.ts). The store is either the device's own PostgreSQL server, owned as
 * `netguardian start` owns one (`openOwnedStore`: the lock, the server, the store), or PGlite in
 * `<dataDir>/db`, as a device opened its store before issue 11: the folder section measures both
 * in the same run. What the device reports is tallied (chunk bytes uploaded, errors).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Device, type DeviceEvent } from '../../src-main/core/device/device.js';
import type { DeviceConfig } from '../../src-main/core/deviceConfig.js';
import { openOwnedStore } from '../../src-main/core/device/ownedStore.js';
import { loadOrCreateDeviceIdentity } from '../../src-main/core/store/deviceIdentity.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgliteClient } from '../../src-main/core/store/pgliteClient.js';
import { makeServerEnterable } from '../support/serverDirs.js';
import type { DeviceRegistry, HubVariant } from './hub.js';
import type { ScratchDirs } from './scratchDirs.js';

/** A device's store: PGlite (before issue 11) or the device's own PostgreSQL server (after). */
export type DeviceStoreKind = 'pglite' | 'deviceServer';

export const DEVICE_STORE_LABEL: Readonly<Record<DeviceStoreKind, string>> = {
  pglite: 'PGlite',
  deviceServer: 'device server',
};

export interface Uploads {
  bytes: number;
  chunks: number;
}

/** What a device reported: chunk bytes uploaded, and every error. */
class Tally {
  readonly uploads: Uploads = { bytes: 0, chunks: 0 };
  readonly errors: string[] = [];

  record(e: DeviceEvent): void {
    if (e.type === 'upload') {
      this.uploads.bytes += e.bytes;
      this.uploads.chunks += e.chunks;
    } else if (e.type === 'error') this.errors.push(e.message);
    else if (e.type === 'synced' && e.report.error) this.errors.push(e.report.error);
    else if (e.type === 'download')
      for (const x of e.report.errors) this.errors.push(`${x.path}: ${x.message}`);
  }
}

/** A store and how to give it up (for the device server: stop it, release the lock). */
interface HeldStore {
  readonly store: EventStore;
  close(): Promise<void>;
}

async function openStore(
  kind: DeviceStoreKind,
  dataDir: string,
  name: string,
  folder: string,
): Promise<HeldStore> {
  switch (kind) {
    case 'deviceServer':
      return openOwnedStore({ dataDir, command: `bench ${name}`, folder });
    case 'pglite': {
      const store = await EventStore.open(await openPgliteClient(path.join(dataDir, 'db')));
      return { store, close: () => store.close() };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown device store ${String(never)}`);
    }
  }
}

export class BenchDevice {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly storeKind: DeviceStoreKind,
    readonly hubVariant: HubVariant,
    readonly device: Device,
    private readonly tally: Tally,
    private readonly held: HeldStore,
  ) {}

  /** Chunk bytes and chunks this device uploaded so far. */
  get uploads(): Readonly<Uploads> {
    return this.tally.uploads;
  }

  get errors(): readonly string[] {
    return this.tally.errors;
  }

  /**
   * A device named `name` in a new scratch dir (`root/` is the folder, `data/` the data dir) on
   * a store of `storeKind`; the dir goes when `scratch` is cleaned up.
   */
  static async open(
    hub: DeviceRegistry,
    name: string,
    spaceId: string,
    scratch: ScratchDirs,
    storeKind: DeviceStoreKind = 'deviceServer',
  ): Promise<BenchDevice> {
    const dir = await scratch.make(`ng-bench-${name}-`);
    const folder = path.join(dir, 'root');
    await mkdir(folder);
    const config: DeviceConfig = {
      version: 1,
      folder,
      spaceId,
      deviceName: name,
      // The config's hub is the direct-SQL setting; a paired device's link comes from pairing.
      hub: null,
      syncIntervalMs: 60_000,
      rescanIntervalMs: 15 * 60_000,
      paused: false,
    };
    const tally = new Tally();
    const dataDir = path.join(dir, 'data');
    await makeServerEnterable(dataDir);
    const held = await openStore(storeKind, dataDir, name, folder);
    try {
      // The identity Device.open will load: the service pairs the device under its node id.
      const { nodeId } = await loadOrCreateDeviceIdentity(held.store.client, { name });
      const link = await hub.register({ name, spaceId, nodeId });
      const device = await Device.open({
        dataDir,
        config:
          'hub' in link
            ? { ...config, hub: { url: link.hub.connectionString, ssl: 'off' } }
            : config,
        store: held.store,
        ...link,
        onEvent: (e) => tally.record(e),
      });
      return new BenchDevice(name, dir, storeKind, hub.variant, device, tally, held);
    } catch (e) {
      await held.close().catch(() => undefined);
      throw e;
    }
  }

  get root(): string {
    return this.device.root;
  }

  abs(rel: string): string {
    return path.join(this.device.root, ...rel.split('/'));
  }

  /** The device's hub sync engine (every bench device has a hub). */
  get engine() {
    const hub = this.device.hub;
    if (!hub) throw new Error(`${this.name} has no hub`);
    return hub.engine;
  }

  /** Closes the device, then its store. Safe to call twice. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      try {
        await this.device.close();
      } finally {
        await this.held.close();
      }
    })());
  }
}
