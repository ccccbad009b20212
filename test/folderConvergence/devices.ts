import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createAppService, type AppService } from '../../src-main/core/app/appService.js';
import pino from 'pino';
import { writeDeviceConfig, type DeviceConfig } from '../../src-main/core/deviceConfig.js';
import { removeLeftoverTemps } from '../../src-main/core/files/staleTemps.js';
import type { HubServiceAccess } from '../../src-main/core/device/hubAccess.js';
import { loadOrCreateDeviceIdentity } from '../../src-main/core/store/deviceIdentity.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgliteClient } from '../../src-main/core/store/pgliteClient.js';
import type { AppState } from '../../src-shared/ipc/contract.js';
import type { TestHub } from '../folderSync/support/testHub.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import type { TcpProxy } from '../support/tcpProxy.js';
import { FolderHand } from './folderOps.js';

/**
 * The harness's devices, in process and as the app runs them: an `AppService` per
 * device (the service the UI and the CLI call: its `state:get` is the status a user
 * sees), started as a daemon (real chokidar watcher, live channel, periodic sync),
 * on a real folder, syncing with a real hub service it paired with (a credential per
 * space), through a proxy the harness cuts for an outage.
 *
 * A `Machine` (store and node id) lives for the test file: creating a PGlite costs
 * seconds of CPU. Each seed gets a fresh space, so fresh folders and data dirs on the
 * same machines, like a user adding another synced folder. The store is PGlite in
 * memory and outlives the device's restarts (it is the owner process's, as the
 * device's PostgreSQL server is): a restart here is the app closing and opening
 * again; killing the process mid-write is the crash suite's part (test/crash/).
 */
export class Machine {
  private constructor(
    readonly name: string,
    readonly dir: TempDir,
    readonly store: EventStore,
    readonly nodeId: string,
  ) {}

  static async create(name: string): Promise<Machine> {
    const dir = await makeTempDir(`ng-fconv-${name}-`);
    const store = await EventStore.open(await openPgliteClient());
    // The id the app's CRDTManager will find in the store: the one the hub pairs.
    const { nodeId } = await loadOrCreateDeviceIdentity(store.client, { name });
    return new Machine(name, dir, store, nodeId);
  }

  /** Pairs this machine into `spaceId`; the access it returns goes through `proxy`. */
  async pair(hub: TestHub, spaceId: string, proxy: TcpProxy): Promise<HubServiceAccess> {
    const access = await hub.pair(this.nodeId, this.name, spaceId);
    return { ...access, address: `127.0.0.1:${proxy.port}` };
  }

  async close(): Promise<void> {
    try {
      await this.store.close();
    } finally {
      await this.dir.cleanup();
    }
  }
}

export class HarnessDevice {
  readonly dataDir: string;
  readonly hand: FolderHand;
  private service: AppService | undefined;
  /** Activity the app reported as errors, newest last (for failure messages). */
  readonly errors: string[] = [];
  /** Path → when the app last said it wrote it from a download (its `files:changed` pushes). */
  readonly landed = new Map<string, number>();
  starts = 0;

  constructor(
    readonly index: number,
    readonly machine: Machine,
    readonly spaceId: string,
    /** The machine's credential for this space, reaching the hub through the harness's proxy. */
    private readonly access: HubServiceAccess,
  ) {
    const base = path.join(machine.dir.path, spaceId);
    this.dataDir = path.join(base, 'data');
    const folder = path.join(base, 'folder');
    mkdirSync(folder, { recursive: true });
    this.hand = new FolderHand(folder);
  }

  get name(): string {
    return this.machine.name;
  }

  get root(): string {
    return this.hand.root;
  }

  get running(): boolean {
    return this.service !== undefined;
  }

  /** The running app; a harness bug to ask while it is stopped. */
  get app(): AppService {
    if (!this.service) throw new Error(`${this.name} is not running`);
    return this.service;
  }

  /** Opens the device on its data dir (config written the first time) and runs its daemon. */
  async start(): Promise<void> {
    if (this.service) return;
    if (this.starts === 0) await writeDeviceConfig(this.dataDir, this.config());
    // What the owner process does first when the app starts (ownedStore.ts): a device closed in
    // the middle of a download leaves its temp file, which only a new owner removes at once.
    await removeLeftoverTemps({ root: this.root, dataDir: this.dataDir });
    this.starts += 1;
    const service = await createAppService({
      dataDir: this.dataDir,
      store: this.machine.store,
      quietMs: 30,
      statePushMs: 20,
      resolveHub: () => Promise.resolve({ hubService: this.access }),
      ...debugLog(this.name),
    });
    service.subscribe((m) => {
      if (m.channel === 'files:changed')
        for (const p of m.payload.paths) this.landed.set(p, Date.now());
      if (m.channel === 'activity' && m.payload.kind === 'error') {
        this.errors.push(m.payload.message);
        if (this.errors.length > 50) this.errors.shift();
      }
    });
    this.service = service;
    try {
      await service.start();
    } catch (e) {
      // An app that cannot start is a finding, not a harness fault: say which and why.
      throw new Error(`${this.name}'s app failed to start: ${(e as Error).message}`, { cause: e });
    }
  }

  /** The app quits: daemon, watcher and hub connection closed; store and folder stay. */
  async stop(): Promise<void> {
    const service = this.service;
    this.service = undefined;
    await service?.close();
  }

  async state(): Promise<AppState> {
    return this.app['state:get']({});
  }

  private config(): DeviceConfig {
    return {
      version: 1,
      folder: this.root,
      spaceId: this.spaceId,
      deviceName: this.name,
      // A paired device keeps no PostgreSQL URL: its service access comes in through `resolveHub`.
      hub: null,
      // The harness drives sync itself at quiesce points; the periodic one is the product's too.
      syncIntervalMs: 5_000,
      rescanIntervalMs: 15 * 60_000,
      paused: false,
    };
  }
}

/**
 * FOLDER_LOG_DIR=<dir>: each device logs at debug level to <dir>/<device>.log (what to read when
 * a scenario fails on timing).
 */
function debugLog(name: string): { log?: pino.Logger } {
  const dir = process.env['FOLDER_LOG_DIR'];
  if (!dir) return {};
  return {
    log: pino(
      { level: 'debug', base: { device: name } },
      pino.destination({ dest: `${dir}/${name}.log`, sync: true, append: true }),
    ),
  };
}
