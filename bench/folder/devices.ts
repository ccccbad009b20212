/**
 * In-process devices for the folder scenarios: a `Device` (scanner, materializer, watcher, sync
 * engine) on its own store in a temp data directory (owned as `netguardian start` owns one: the
 * lock and the device's PostgreSQL server), syncing a temp folder through the hub as its own
 * device role. What the device reports is tallied (chunk bytes uploaded, errors).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Device, type DeviceEvent } from '../../src-main/core/device/device.js';
import type { DeviceConfig } from '../../src-main/core/deviceConfig.js';
import { openOwnedStore, type OwnedStore } from '../../src-main/core/device/ownedStore.js';
import type { BenchHub } from './hub.js';
import type { ScratchDirs } from './scratchDirs.js';

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

export class BenchDevice {
  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly device: Device,
    private readonly tally: Tally,
    private readonly owned: OwnedStore,
  ) {}

  /** Chunk bytes and chunks this device uploaded so far. */
  get uploads(): Readonly<Uploads> {
    return this.tally.uploads;
  }

  get errors(): readonly string[] {
    return this.tally.errors;
  }

  /**
   * A device named `name` in a new scratch dir (`root/` is the folder, `data/` the data dir); the
   * dir goes when `scratch` is cleaned up.
   */
  static async open(
    hub: BenchHub,
    name: string,
    spaceId: string,
    scratch: ScratchDirs,
  ): Promise<BenchDevice> {
    const dir = await scratch.make(`ng-bench-${name}-`);
    const folder = path.join(dir, 'root');
    await mkdir(folder);
    const creds = await hub.addDevice(name, spaceId);
    const config: DeviceConfig = {
      version: 1,
      folder,
      spaceId,
      deviceName: name,
      hub: { url: creds.connectionString, ssl: 'off' },
      syncIntervalMs: 60_000,
      rescanIntervalMs: 15 * 60_000,
      paused: false,
    };
    const tally = new Tally();
    const dataDir = path.join(dir, 'data');
    const owned = await openOwnedStore({ dataDir, command: `bench ${name}`, folder });
    const device = await Device.open({
      dataDir,
      config,
      store: owned.store,
      hub: { connectionString: creds.connectionString },
      onEvent: (e) => tally.record(e),
    });
    return new BenchDevice(name, dir, device, tally, owned);
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

  async close(): Promise<void> {
    await this.device.close();
    await this.owned.close();
  }
}
