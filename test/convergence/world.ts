import type { SyncPeer } from '../../src-main/core/sync/syncPeer.js';
import { CRDTManager, type FileChange } from '../../src-main/core/crdtManager.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgliteClient } from '../../src-main/core/store/pgliteClient.js';
import type { SqlClient } from '../../src-main/core/store/sqlClient.js';
import { SyncEngine, type SyncReport } from '../../src-main/core/syncEngine.js';
import type { FileView } from '../../src-shared/crdt/fileEntity.js';
import { DEFAULT_MAX_CLOCK_AHEAD_MS, parseHlc } from '../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import type { Json } from '../../src-shared/json.js';
import { FaultyClient } from './faultyClient.js';
import { contentHash, type Step, type SyncStep } from './steps.js';

/** 2023-11-14T22:13:20Z: the shared physical time starts here. */
export const BASE_MS = 1_700_000_000_000;

export interface Device {
  readonly index: number;
  readonly nodeId: string;
  skewMs: number;
  /** The device's own store (PGlite in memory, shared with other worlds), behind a fault injector. */
  readonly local: FaultyClient;
  readonly store: EventStore;
  /** Replaced when the device restarts (the store stays). */
  manager: CRDTManager;
  /** This device's connection to the hub, behind its own fault injector. */
  readonly hubLink: FaultyClient;
  engine: SyncEngine;
  /** Sync runs started (coalesced duplicates count once) and how many ended in an error. */
  runs: number;
  errorRuns: number;
  quarantinedInRuns: number;
  /** The device's physical time at its last pull (when it last decided what is too far ahead). */
  lastPullAtMs: number | undefined;
}

/** A content version some device wrote, with the event that wrote it. */
export interface WriteRecord {
  readonly step: number;
  readonly device: number;
  readonly entityId: string;
  readonly hash: string;
  readonly eventId: string;
}

/**
 * Device stores (PGlite in memory, each behind a fault injector), opened once
 * and shared by the worlds of a test file: each world uses a space of its own,
 * and every table is keyed by space, like one device syncing several folders.
 * (Starting PGlite is the slow part of a world.)
 */
export class DeviceStores {
  private constructor(readonly clients: readonly FaultyClient[]) {}

  static async open(count: number): Promise<DeviceStores> {
    const clients: FaultyClient[] = [];
    for (let i = 0; i < count; i += 1) {
      const client = new FaultyClient(await openPgliteClient(), true);
      await EventStore.open(client);
      clients.push(client);
    }
    return new DeviceStores(clients);
  }

  async close(): Promise<void> {
    for (const c of this.clients) await c.close();
  }
}

export interface WorldOptions {
  readonly spaceId: string;
  readonly stores: DeviceStores;
  /** The hub's real client (PostgreSQL); shared, never closed by the world. */
  readonly hub: SqlClient;
  readonly skewsMs: readonly number[];
  readonly batchSize: number;
  readonly startMs?: number;
}

/**
 * Devices (each a CRDTManager on its own PGlite store with its own skewed
 * physical clock and a SyncEngine to the hub) and the hub, driven one step at
 * a time. Every step's outcome is checked as it runs: writes must succeed,
 * sync runs may fail only when a fault was injected and fired.
 */
export class World {
  readonly spaceId: string;
  readonly hubStore: EventStore;
  readonly devices: Device[] = [];
  readonly writes: WriteRecord[] = [];
  readonly executed: Step[] = [];
  /**
   * Every event any store held before a compaction deleted some: the invariants judge the
   * compacted stores against the whole history (empty while nothing was compacted).
   */
  readonly archive = new Map<string, CrdtEvent>();
  /** The latest cutoff a compaction used: versions superseded before it may be gone from history. */
  compactedBeforeMs: number | undefined;
  /** Events the compactions deleted, over every store. */
  prunedEvents = 0;
  nowMs: number;
  private readonly batchSize: number;

  private constructor(options: WorldOptions, hubStore: EventStore) {
    this.spaceId = options.spaceId;
    this.hubStore = hubStore;
    this.nowMs = options.startMs ?? BASE_MS;
    this.batchSize = options.batchSize;
  }

  static async create(options: WorldOptions): Promise<World> {
    const hubStore = await EventStore.open(options.hub);
    const world = new World(options, hubStore);
    if (options.skewsMs.length > options.stores.clients.length)
      throw new Error(
        `${options.skewsMs.length} devices but ${options.stores.clients.length} stores`,
      );
    for (let i = 0; i < options.skewsMs.length; i += 1) {
      const local = options.stores.clients[i] as FaultyClient;
      await world.addDevice(i, options.skewsMs[i] as number, local, options.hub);
    }
    return world;
  }

  private async addDevice(
    index: number,
    skewMs: number,
    local: FaultyClient,
    hub: SqlClient,
  ): Promise<void> {
    local.disarm();
    const store = await EventStore.open(local, { migrate: false });
    const nodeId = `dev-${String.fromCharCode(97 + index)}`;
    const hubLink = new FaultyClient(hub, false);
    const { manager, engine } = await this.openDevice(
      index,
      nodeId,
      store,
      await EventStore.open(hubLink, { migrate: false }),
    );
    this.devices.push({
      index,
      nodeId,
      skewMs,
      local,
      store,
      manager,
      hubLink,
      engine,
      runs: 0,
      errorRuns: 0,
      quarantinedInRuns: 0,
      lastPullAtMs: undefined,
    });
  }

  /** A CRDTManager and SyncEngine on a device's store: at start, and again at every restart. */
  private async openDevice(index: number, nodeId: string, store: EventStore, remote: SyncPeer) {
    const manager = await CRDTManager.open({
      store,
      spaceId: this.spaceId,
      nodeId,
      now: () => this.nowMs + this.device(index).skewMs,
    });
    return { manager, engine: new SyncEngine({ manager, remote, batchSize: this.batchSize }) };
  }

  device(i: number): Device {
    const d = this.devices[i];
    if (!d) throw new Error(`no device ${i} (the world has ${this.devices.length})`);
    return d;
  }

  view(d: number, path: string): Promise<FileView | undefined> {
    return this.device(d).manager.getFileState(path);
  }

  /** Runs one step; throws (naming the step) when its outcome is not the expected one. */
  async run(step: Step): Promise<void> {
    const index = this.executed.length;
    this.executed.push(step);
    this.nowMs += step.dt ?? 0;
    try {
      await this.execute(step, index);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(`step #${index} ${JSON.stringify(step)} failed: ${message}`, { cause: e });
    }
  }

  private async execute(step: Step, index: number): Promise<void> {
    switch (step.t) {
      case 'create':
      case 'update': {
        const change: FileChange = {
          ...(step.content
            ? { content: { hash: contentHash(step.content.hash), size: step.content.size } }
            : {}),
          ...(step.fields ? { fields: step.fields as Record<string, Json> } : {}),
          ...(step.t === 'update' && step.basis ? { basis: step.basis } : {}),
        };
        const m = this.device(step.d).manager;
        const result =
          step.t === 'create'
            ? await m.createFileState(step.path, change)
            : await m.updateFileState(step.path, change);
        const view = this.expectWrite(step, result);
        if (view && change.content) this.recordWrite(index, step.d, view, change.content.hash);
        return;
      }
      case 'delete':
        this.expectWrite(
          step,
          await this.device(step.d).manager.deleteFileState(
            step.path,
            step.basis ? { basis: step.basis } : {},
          ),
        );
        return;
      case 'resolve':
        this.expectWrite(
          step,
          await this.device(step.d).manager.resolveConflict(step.path, step.keep),
        );
        return;
      case 'sync':
        return this.sync(step);
      case 'syncMany': {
        const engines = step.ds.map((d) => this.device(d));
        if (step.dir === 'pull')
          for (const dev of engines) dev.lastPullAtMs = this.nowMs + dev.skewMs;
        const reports = await Promise.all(
          engines.map((dev) =>
            step.dir === 'push' ? dev.engine.pushSync() : dev.engine.pullSync(),
          ),
        );
        reports.forEach((r, i) => this.countRun(engines[i] as Device, r, false));
        return;
      }
      case 'skew':
        this.device(step.d).skewMs = step.ms;
        return;
      case 'compact':
        return this.compact(step.d, step.windowMs);
      case 'restart': {
        // The app quits and starts again: seq and HLC must resume from the store alone.
        const dev = this.device(step.d);
        await dev.engine.close();
        const { manager, engine } = await this.openDevice(
          dev.index,
          dev.nodeId,
          dev.store,
          dev.engine.remote,
        );
        dev.manager = manager;
        dev.engine = engine;
        return;
      }
      case 'expect':
        return this.expectView(step);
      case 'expectHeld':
        return this.expectHeld(step.d, step.origin);
      default: {
        const never: never = step;
        throw new Error(`unhandled step ${JSON.stringify(never)}`);
      }
    }
  }

  private expectWrite(
    step: Step,
    result: { ok: true; value: FileView } | { ok: false; error: { code: string; message: string } },
  ): FileView | undefined {
    if (step.expectError !== undefined) {
      if (result.ok) throw new Error(`expected error ${step.expectError}, but the write succeeded`);
      if (result.error.code !== step.expectError)
        throw new Error(`expected error ${step.expectError}, got ${result.error.code}`);
      return undefined;
    }
    if (!result.ok) throw new Error(`write refused: ${result.error.code}: ${result.error.message}`);
    const view = result.value;
    const own = view.lastChange?.eventId;
    const writesVersion = step.t !== 'update' || step.content !== undefined;
    if (writesVersion && 'basis' in step && step.basis) {
      // On an older basis: concurrent with what it had not seen, so it is one sibling among others.
      const isSibling = view.winner?.id === own || view.lostDeletes.some((v) => v.id === own);
      if (!isSibling) throw new Error(`a write on an older basis is not a sibling (event ${own})`);
    } else if (writesVersion) {
      // A local version write has seen every local sibling, so it collapses them.
      if (view.conflicts.length > 0 || view.lostDeletes.length > 0) {
        throw new Error(
          `a local version write left siblings: ${view.conflicts.length} conflicts, ${view.lostDeletes.length} lost deletes`,
        );
      }
    }
    return view;
  }

  private recordWrite(step: number, device: number, view: FileView, hash: string): void {
    const eventId = view.lastChange?.eventId;
    if (!eventId || view.winner?.id !== eventId || view.content?.hash !== hash) {
      throw new Error(
        `the written version is not the local winner (winner ${view.winner?.id}, last change ${eventId})`,
      );
    }
    this.writes.push({ step, device, entityId: view.entityId, hash, eventId });
  }

  private async sync(step: SyncStep): Promise<void> {
    const dev = this.device(step.d);
    const start = () =>
      step.dir === 'push'
        ? dev.engine.pushSync()
        : step.dir === 'pull'
          ? dev.engine.pullSync()
          : dev.engine.bidirectionalSync();
    if (step.dir !== 'push') dev.lastPullAtMs = this.nowMs + dev.skewMs;
    const link = step.fault?.side === 'hub' ? dev.hubLink : dev.local;
    if (step.fault) link.arm(step.fault);
    try {
      if (step.dup === 'concurrent') {
        const [a, b] = await Promise.all([start(), start()]);
        // A request while a run is queued joins it: one run, one report.
        if (a !== b) throw new Error('two concurrent identical requests were not coalesced');
        this.countRun(dev, a, link.disarm());
      } else {
        const first = await start();
        this.countRun(dev, first, step.fault ? link.disarm() : false);
        if (step.dup === 'sequential') this.countRun(dev, await start(), false);
      }
    } finally {
      link.disarm();
    }
  }

  private countRun(dev: Device, report: SyncReport, faultFired: boolean): void {
    dev.runs += 1;
    dev.quarantinedInRuns += report.quarantined.length;
    if (report.error !== null) {
      dev.errorRuns += 1;
      if (!faultFired)
        throw new Error(`${dev.nodeId}: sync ${report.direction} failed: ${report.error}`);
      if (!report.error.startsWith('injected fault'))
        throw new Error(`${dev.nodeId}: sync failed with ${report.error}, not the injected fault`);
    } else if (faultFired) {
      throw new Error(`${dev.nodeId}: an injected fault fired but the run reported success`);
    }
  }

  private async expectView(step: Extract<Step, { t: 'expect' }>): Promise<void> {
    const entity =
      step.d === 'hub'
        ? await this.hubStore.getSnapshot(this.spaceId, step.path)
        : await this.device(step.d).store.getSnapshot(this.spaceId, step.path);
    const view = entity?.get();
    const where = step.d === 'hub' ? 'hub' : this.device(step.d).nodeId;
    if (step.exists !== undefined && (view?.exists ?? false) !== step.exists)
      throw new Error(
        `${where}: ${step.path} exists=${view?.exists ?? false}, expected ${step.exists}`,
      );
    if (step.contents) {
      const got = [
        ...(view?.content ? [view.content.hash] : []),
        ...(view?.conflicts ?? []).map((c) => c.value?.hash),
      ].sort();
      const want = step.contents.map(contentHash).sort();
      if (JSON.stringify(got) !== JSON.stringify(want))
        throw new Error(
          `${where}: ${step.path} contents ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`,
        );
    }
    if (step.winner !== undefined && view?.content?.hash !== contentHash(step.winner))
      throw new Error(
        `${where}: ${step.path} winner ${view?.content?.hash}, expected ${step.winner}`,
      );
  }

  private async expectHeld(d: number, origin: number): Promise<void> {
    const dev = this.device(d);
    const ahead = this.device(origin).nodeId;
    const events: CrdtEvent[] = [];
    for await (const page of this.hubStore.allEvents(this.spaceId))
      events.push(...page.filter((e) => e.nodeId === ahead));
    // Judged at the device's last pull: no time passes within a run, and nothing since.
    const now = dev.lastPullAtMs;
    if (now === undefined) throw new Error(`${dev.nodeId} never pulled`);
    const aheadBy = (e: CrdtEvent) => parseHlc(e.hlc).wallMs - now;
    const held = new Set(
      (await dev.manager.quarantine.pending({ spaceId: this.spaceId, code: 'ClockAhead' })).map(
        (h) => h.eventId,
      ),
    );
    const stored = new Set(
      (
        await dev.store.client.query<{ event_id: string }>(
          'SELECT event_id FROM crdt_events WHERE space_id = $1 AND node_id = $2',
          [this.spaceId, ahead],
        )
      ).map((r) => r.event_id),
    );
    const problems: string[] = [];
    if (!events.some((e) => aheadBy(e) > DEFAULT_MAX_CLOCK_AHEAD_MS))
      problems.push(`no event of ${ahead} is more than the bound ahead`);
    for (const e of events) {
      const tooFar = aheadBy(e) > DEFAULT_MAX_CLOCK_AHEAD_MS;
      const [isHeld, isStored] = [held.has(e.eventId), stored.has(e.eventId)];
      if (tooFar !== isHeld || tooFar === isStored)
        problems.push(
          `${ahead}'s seq ${e.seq}, ${Math.round(aheadBy(e) / 1000)}s ahead, is ${isHeld ? '' : 'not '}held and ${isStored ? '' : 'not '}stored`,
        );
    }
    if (problems.length > 0)
      throw new Error(`${dev.nodeId}'s quarantine:\n  ${problems.join('\n  ')}`);
  }

  /** Every device syncs bidirectionally, `rounds` times in device order, with time passing. */
  /** Compacts one store's log, the whole history archived first (see `archive`). */
  private async compact(d: number | 'hub', windowMs: number): Promise<void> {
    for (const store of [this.hubStore, ...this.devices.map((x) => x.store)])
      for await (const page of store.allEvents(this.spaceId))
        for (const e of page) this.archive.set(e.eventId, e);
    const device = d === 'hub' ? undefined : this.device(d);
    const cutoffMs = this.nowMs + (device?.skewMs ?? 0) - windowMs;
    const store = device ? device.store : this.hubStore;
    const limits = device
      ? { [device.nodeId]: (await this.hubStore.getFrontier(this.spaceId))[device.nodeId] ?? 0 }
      : undefined;
    const report = await store.compact(this.spaceId, { cutoffMs, ...(limits ? { limits } : {}) });
    this.prunedEvents += report.pruned;
    this.compactedBeforeMs = Math.max(this.compactedBeforeMs ?? cutoffMs, cutoffMs);
  }

  async heal(rounds: number): Promise<void> {
    for (let r = 0; r < rounds; r += 1) {
      for (const dev of this.devices)
        await this.run({ t: 'sync', d: dev.index, dir: 'bidirectional', dt: 1_000 });
    }
  }

  /** Stops the engines; the device stores stay open for the next world. */
  async close(): Promise<void> {
    for (const dev of this.devices) await dev.engine.close();
  }
}
