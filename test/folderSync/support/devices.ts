/**
 * In-process devices for the end-to-end tests. A `DeviceSlot` is one machine:
 * a data directory with its PGlite store persisted in it (opened once per test
 * file: creating a PGlite costs seconds of CPU) and the store's node id. Each
 * test opens a `Device` per slot on a fresh space and fresh folder, like a user
 * adding another synced folder to the same machines; the slot pairs with the
 * hub's service the first time it opens a space (one credential per space).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { Device, type DeviceEvent } from '../../../src-main/core/device/device.js';
import { dataPaths, type DeviceConfig } from '../../../src-main/core/deviceConfig.js';
import type { MaterializeReport } from '../../../src-main/core/files/materializer.js';
import type { HubServiceAccess } from '../../../src-main/core/device/hubAccess.js';
import { loadOrCreateDeviceIdentity } from '../../../src-main/core/store/deviceIdentity.js';
import { EventStore } from '../../../src-main/core/store/eventStore.js';
import { openPgliteClient } from '../../../src-main/core/store/pgliteClient.js';
import type { SyncReport } from '../../../src-main/core/syncEngine.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { folderTree, type Tree } from './folderTree.js';
import type { TestHub } from './testHub.js';

export class DeviceSlot {
  /** The slot's credential per space it has opened. */
  private readonly access = new Map<string, HubServiceAccess>();

  private constructor(
    readonly hub: TestHub,
    readonly name: string,
    readonly dir: TempDir,
    readonly dataDir: string,
    readonly store: EventStore,
    readonly nodeId: string,
  ) {}

  /** A machine: temp dir, PGlite in `<dir>/data/db`, and the node id its store keeps. */
  static async create(hub: TestHub, name: string): Promise<DeviceSlot> {
    const dir = await makeTempDir(`ng-e2e-${name}-`);
    const dataDir = path.join(dir.path, 'data');
    const store = await EventStore.open(await openPgliteClient(dataPaths(dataDir).db));
    // The id `CRDTManager.open` will find: pairing names the device the hub will see push.
    const { nodeId } = await loadOrCreateDeviceIdentity(store.client, { name });
    return new DeviceSlot(hub, name, dir, dataDir, store, nodeId);
  }

  /** This machine's way into `spaceId`, pairing with a new invite the first time. */
  async accessTo(spaceId: string): Promise<HubServiceAccess> {
    const known = this.access.get(spaceId);
    if (known) return known;
    const paired = await this.hub.pair(this.nodeId, this.name, spaceId);
    this.access.set(spaceId, paired);
    return paired;
  }

  /** The folder for a space: `<dir>/<space>/outer/folder` (the levels above let tests watch outside the root). */
  folderFor(spaceId: string): string {
    return path.join(this.dir.path, spaceId, 'outer', 'folder');
  }

  /** `settings`: config keys beyond the defaults below (limits a test needs). */
  async open(spaceId: string, settings: Partial<DeviceConfig> = {}): Promise<TestDevice> {
    const folder = this.folderFor(spaceId);
    await mkdir(folder, { recursive: true });
    const config: DeviceConfig = {
      version: 1,
      folder,
      spaceId,
      deviceName: this.name,
      // Devices that pair keep no PostgreSQL URL: the service access comes in beside the config.
      hub: null,
      syncIntervalMs: 60_000,
      rescanIntervalMs: 15 * 60_000,
      paused: false,
      ...settings,
    };
    const events: DeviceEvent[] = [];
    const device = await Device.open({
      dataDir: this.dataDir,
      config,
      hubService: await this.accessTo(spaceId),
      store: this.store,
      quietMs: 30,
      onEvent: (e) => events.push(e),
    });
    return new TestDevice(this.name, device, events);
  }

  async close(): Promise<void> {
    try {
      await this.store.close();
    } finally {
      await this.dir.cleanup();
    }
  }
}

/** A Device plus what it reported. */
export class TestDevice {
  constructor(
    readonly name: string,
    readonly device: Device,
    readonly events: DeviceEvent[],
  ) {}

  get root(): string {
    return this.device.root;
  }

  /** Absolute path of a folder-relative POSIX path. */
  abs(rel: string): string {
    return path.join(this.device.root, ...rel.split('/'));
  }

  tree(): Promise<Tree> {
    return folderTree(this.device.root);
  }

  /** Materializer reports received since `from` (an index into `events`). */
  downloads(from = 0): MaterializeReport[] {
    return this.events.slice(from).flatMap((e) => (e.type === 'download' ? [e.report] : []));
  }

  errors(from = 0): string[] {
    return this.events.slice(from).flatMap((e) => (e.type === 'error' ? [e.message] : []));
  }

  /** One `syncNow` (scan, pull and materialize, push) that must not fail. */
  async sync(): Promise<SyncReport> {
    const report = (await this.device.syncNow()).sync;
    if (!report) throw new Error(`${this.name}: no hub configured`);
    expect(report.error, `${this.name}'s sync failed`).toBeNull();
    return report;
  }
}

/**
 * Syncs the devices in turn until a whole round moves nothing (materializing
 * may record new local events, e.g. conflict copies), at most `maxRounds`.
 */
export async function syncAll(devices: readonly TestDevice[], maxRounds = 6): Promise<void> {
  for (let round = 0; round < maxRounds; round++) {
    let moved = 0;
    for (const d of devices) {
      const r = await d.sync();
      moved += r.sent + r.received;
    }
    if (moved === 0) return;
  }
  throw new Error(`devices still exchanging events after ${maxRounds} rounds`);
}

/** All folders equal entry for entry (content hash, exec bit, folders); returns the common tree. */
export async function expectSameFolders(devices: readonly TestDevice[]): Promise<Tree> {
  const [first, ...rest] = devices;
  if (!first) throw new Error('no devices');
  const reference = await first.tree();
  for (const d of rest) {
    expect(await d.tree(), `${d.name}'s folder differs from ${first.name}'s`).toEqual(reference);
  }
  return reference;
}
