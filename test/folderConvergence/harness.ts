import { lstatSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { TEMP_PREFIX } from '../../src-main/core/files/ignoreRules.js';
import { pollUntil } from '../folderSync/support/folderTree.js';
import type { TestHub } from '../folderSync/support/testHub.js';
import type { TcpProxy } from '../support/tcpProxy.js';
import { HarnessDevice, type Machine } from './devices.js';
import type { Applied } from './folderOps.js';
import { indexedDir, recorded, recordedAt } from './hubView.js';
import { Ledger, type Written } from './ledger.js';
import { contentBytes, describeOp, kindOf, sha256, type Op, type OpKind } from './ops.js';
import { storeAndDisk } from './invariants.js';
import { quiesce } from './quiesce.js';
import { hashesIn, readTree } from './trees.js';

/**
 * Runs a list of ops on three devices (`devices.ts`) and keeps the ledger of every
 * content written (`ledger.ts`). Ops run one at a time; the devices' daemons run
 * all along (watchers, live pulls, periodic syncs), so between two ops the devices
 * race each other as they would for a user.
 *
 * After a content write the harness waits, bounded, until the writing device has
 * recorded it, and until the hub has it when the hub is reachable: a content
 * overwritten before anything could read it is not a version the product could
 * keep (see ledger.ts). Nothing else waits: renames, deletes and chmods race the
 * daemons freely.
 */

export interface HarnessOptions {
  /** Op kinds applied; the others are skipped (and noted). */
  readonly enabled: ReadonlySet<OpKind>;
  readonly log?: (line: string) => void;
  /** How long a device may take to record a write, or to get it to the hub (default 30 s). */
  readonly settleMs?: number;
  /**
   * After an op removes a folder, wait until its device's scanner saw it go before the
   * next op (switches.ts, WAIT_FOR_REMOVALS_DEFAULT: a folder deleted and made again at
   * once is not watched any more today).
   */
  readonly waitForRemovals?: boolean;
  /** Least time between two writes of one file by one device (switches.ts, SAME_FILE_PACE_MS_DEFAULT). */
  readonly sameFilePaceMs?: number;
  /** A `start` while the hub is unreachable waits for the hub (switches.ts, DEFER_START_DEFAULT). */
  readonly deferStartDuringOutage?: boolean;
}

/** How long an `editDuringPull` waits for the remote change to start landing. */
const LANDING_MS = 10_000;
const POLL_MS = 40;

export class Harness {
  readonly ledger = new Ledger();
  /** The ops applied, in order: what a fixture of this run holds. */
  readonly executed: Op[] = [];
  /** Skips, degraded ops and other things worth reading in a failure. */
  readonly notes: string[] = [];
  readonly counts = new Map<string, number>();
  quiesces = 0;
  /** `<device>:<path>` → when the harness last wrote that file (for `sameFilePaceMs`). */
  private readonly lastWrite = new Map<string, number>();
  /** Apps whose `start` waits for the hub to come back. */
  private readonly deferred = new Set<number>();

  private constructor(
    readonly spaceId: string,
    readonly devices: readonly HarnessDevice[],
    readonly hub: TestHub,
    readonly proxy: TcpProxy,
    private readonly options: HarnessOptions,
  ) {}

  /** A fresh space on the shared hub, three devices in it, all running. */
  static async open(options: {
    readonly label: string;
    readonly hub: TestHub;
    readonly machines: readonly Machine[];
    readonly proxy: TcpProxy;
    readonly harness: HarnessOptions;
  }): Promise<Harness> {
    const spaceId = options.hub.newSpaceId(options.label);
    const devices: HarnessDevice[] = [];
    for (const [i, m] of options.machines.entries())
      devices.push(
        new HarnessDevice(i, m, spaceId, await m.pair(options.hub, spaceId, options.proxy)),
      );
    options.proxy.restore();
    const h = new Harness(spaceId, devices, options.hub, options.proxy, options.harness);
    for (const d of devices) await d.start();
    return h;
  }

  get hubReachable(): boolean {
    return !this.proxy.isCut;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private note(step: number, op: Op, what: string): void {
    this.notes.push(`#${step} ${describeOp(op)}: ${what}`);
  }

  async run(op: Op): Promise<void> {
    const kind = kindOf(op);
    if (kind !== undefined && !this.options.enabled.has(kind)) {
      this.count(`off:${op.t}`);
      return;
    }
    const step = this.executed.length;
    this.executed.push(op);
    this.count(op.t);
    const started = Date.now();
    try {
      await this.apply(op, step);
    } finally {
      // Durations are for reading a slow run, never asserted.
      this.log(`#${step} ${describeOp(op)} (${Date.now() - started} ms)`);
    }
  }

  private async apply(op: Op, step: number): Promise<void> {
    switch (op.t) {
      case 'stop':
        this.deferred.delete(op.d);
        await this.device(op.d).stop();
        return;
      case 'start':
        if (!this.hubReachable && this.options.deferStartDuringOutage === true) {
          this.deferred.add(op.d);
          this.note(step, op, 'deferred until the hub is back');
          return;
        }
        await this.startDevice(this.device(op.d));
        return;
      case 'hubDown':
        this.proxy.cut();
        return;
      case 'hubUp':
        await this.hubUp();
        return;
      case 'quiesce':
        await quiesce(this);
        this.quiesces += 1;
        return;
      case 'editDuringPull':
        await this.editDuringPull(op, step);
        return;
      default: {
        const dev = this.device(op.d);
        // A chmod is a change to chokidar too (its throttle counts it): paced alike, when paced.
        const writes =
          op.t === 'write' || op.t === 'append' || op.t === 'chmod' ? op.path : undefined;
        if (writes !== undefined) await this.pace(dev, writes);
        const removes = removedFolder(dev, op);
        await this.afterFolderOp(dev, step, op, dev.hand.apply(op));
        // From when the write was recorded: chokidar's window opens when it reports the change.
        if (writes !== undefined) this.lastWrite.set(`${dev.index}:${writes}`, Date.now());
        const gone = removes !== undefined && !statIsDir(dev.hand.abs(removes));
        if (gone && this.options.waitForRemovals === true && dev.running)
          await this.removalSeen(dev, step, op, removes);
      }
    }
  }

  device(d: number): HarnessDevice {
    const dev = this.devices[d];
    if (!dev) throw new Error(`no device ${d}`);
    return dev;
  }

  private count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  private async afterFolderOp(dev: HarnessDevice, step: number, op: Op, a: Applied) {
    if (a.skipped) {
      this.note(step, op, `skipped on ${dev.name}: ${a.skipped}`);
      this.count('skipped');
    }
    for (const { rel, bytes } of a.wrote) {
      const w = this.ledger.add({
        hash: sha256(bytes),
        size: bytes.length,
        step,
        d: dev.index,
        path: rel,
      });
      if (dev.running) await this.settle(dev, w);
      else this.ledger.noteUnseen(w);
    }
  }

  /**
   * Waits until `dev` recorded `w` (at its path; `anywhere` for a write its app did not see
   * happen, which may have been moved since), then (hub reachable) until the hub has it.
   */
  private async settle(dev: HarnessDevice, w: Written, anywhere = false): Promise<void> {
    const what = `${w.hash.slice(0, 8)} (${w.path}, op #${w.step})`;
    let trashed = false;
    const waited = pollUntil(
      `${dev.name} to record ${what}`,
      async () => {
        if (await recordedAt(dev.machine.store, this.spaceId, anywhere ? null : w.path, w.hash))
          return true;
        // A remote delete or replace that re-checked the file just before this write landed
        // moves it to the trash unrecorded (ARCHITECTURE.md §9: the checks are not atomic).
        trashed = hashesIn(readTree(path.join(dev.dataDir, 'trash'))).has(w.hash);
        return trashed ? true : undefined;
      },
      { timeoutMs: this.options.settleMs ?? 30_000, intervalMs: POLL_MS },
    );
    try {
      await waited;
    } catch (e) {
      // What each device's store and disk hold there, to tell a watcher that missed the write
      // from a write the materializer undid.
      throw new Error(`${(e as Error).message}; ${await storeAndDisk(this, w.path)}`, {
        cause: e,
      });
    }
    if (trashed) {
      this.notes.push(
        `op #${w.step}: ${dev.name}'s write of ${w.path} went to its trash unrecorded`,
      );
      this.count('trashedUnrecorded');
      return;
    }
    if (!this.hubReachable) {
      this.ledger.noteUnsent(w);
      return;
    }
    await this.onHub(dev, w);
  }

  private async onHub(dev: HarnessDevice, w: Written): Promise<void> {
    await pollUntil(
      `${dev.name}'s ${w.hash.slice(0, 8)} (${w.path}, op #${w.step}) to reach the hub`,
      async () => ((await recorded(this.hub.database, this.spaceId, w.hash)) ? true : undefined),
      { timeoutMs: this.options.settleMs ?? 30_000, intervalMs: POLL_MS },
    );
  }

  /**
   * Writes a file on a device no sooner than `sameFilePaceMs` after its last write there was
   * recorded or a download wrote it: pacing (switches.ts, off by default) to tell a timing failure
   * from others, not a wait for a condition, and bounded by the switch's value.
   */
  private async pace(dev: HarnessDevice, rel: string): Promise<void> {
    const gap = this.options.sameFilePaceMs ?? 0;
    // The last write there: ours, or the materializer's (a remote version that just landed).
    const last = Math.max(this.lastWrite.get(`${dev.index}:${rel}`) ?? 0, dev.landed.get(rel) ?? 0);
    const since = Date.now() - last;
    if (gap > 0 && since < gap) await new Promise((resolve) => setTimeout(resolve, gap - since));
  }

  /** Bounded; a removal never seen is only noted (the final full scans find it). */
  private async removalSeen(dev: HarnessDevice, step: number, op: Op, rel: string) {
    await pollUntil(
      `${dev.name} to see ${rel} go`,
      async () =>
        // Seen go, or made again meanwhile (a peer's change landed): nothing left to wait for.
        statIsDir(dev.hand.abs(rel)) || !(await indexedDir(dev.machine.store, this.spaceId, rel))
          ? true
          : undefined,
      { timeoutMs: this.options.settleMs ?? 30_000, intervalMs: POLL_MS },
    ).catch(() => this.note(step, op, `${dev.name}'s scanner never saw ${rel} go`));
  }

  /**
   * The app opens again. Writes made while it was closed count if they are still in
   * the folder as it opens; writes recorded while the hub was down count if they are
   * still there once the hub is reachable (ledger.ts says why).
   */
  private async startDevice(dev: HarnessDevice): Promise<void> {
    if (dev.running) return;
    const present = hashesIn(readTree(dev.root));
    await dev.start();
    for (const w of this.ledger.takeUnseen(dev.index)) {
      if (present.has(w.hash)) await this.settle(dev, w, true);
      else w.exempt = 'overwritten while its app was closed';
    }
    if (this.hubReachable) await this.catchUpUnsent([dev]);
  }

  /** Hub reachable, every app running (what a quiesce needs first). */
  async bringAllUp(): Promise<void> {
    if (!this.hubReachable) await this.hubUp();
    for (const d of this.devices) await this.startDevice(d);
  }

  private async hubUp(): Promise<void> {
    this.proxy.restore();
    await this.catchUpUnsent(this.devices.filter((d) => d.running));
    for (const d of [...this.deferred]) await this.startDevice(this.device(d));
    this.deferred.clear();
  }

  /** Now that `devices` can reach the hub, what they recorded offline must get there. */
  private async catchUpUnsent(devices: readonly HarnessDevice[]): Promise<void> {
    for (const dev of devices) {
      const unsent = this.ledger.takeUnsent(dev.index);
      if (unsent.length === 0) continue;
      const present = hashesIn(readTree(dev.root));
      for (const w of unsent) {
        if (present.has(w.hash)) await this.onHub(dev, w);
        else w.exempt = 'gone from its folder before the hub was back (never sent)';
      }
    }
  }

  /**
   * `src` writes the path; the moment `d`'s materializer starts writing it (a temp file
   * appears in the folder where it lands, or the folder it lands in appears), `d`
   * writes its own content there. Without the hub or either app, two plain writes.
   */
  private async editDuringPull(
    op: Extract<Op, { t: 'editDuringPull' }>,
    step: number,
  ): Promise<void> {
    const src = this.device(op.src);
    const dst = this.device(op.d);
    const local = contentBytes(op.local);
    if (!src.running || !dst.running || !this.hubReachable) {
      this.note(step, op, 'hub or an app down: two plain writes');
      await this.afterFolderOp(src, step, op, src.hand.write(op.path, contentBytes(op.remote)));
      await this.afterFolderOp(dst, step, op, dst.hand.write(op.path, local));
      return;
    }
    let landed: Applied | undefined;
    const trigger = armLandingTrigger(dst.root, op.path, () => {
      landed = dst.hand.write(op.path, local);
    });
    try {
      const remote = src.hand.write(op.path, contentBytes(op.remote));
      if (remote.skipped) trigger.fire();
      await this.afterFolderOp(src, step, op, remote);
      await pollUntil(
        `${dst.name} to start writing ${op.path}`,
        async () => Promise.resolve(landed ? true : undefined),
        { timeoutMs: LANDING_MS, intervalMs: POLL_MS },
      ).catch(() => {
        this.note(step, op, 'the remote change never started landing: wrote anyway');
        trigger.fire();
      });
    } finally {
      trigger.close();
    }
    await this.afterFolderOp(dst, step, op, landed ?? { wrote: [], skipped: 'not written' });
  }

  /** Stops every device (folders and stores stay for the checks' messages). */
  async close(): Promise<void> {
    for (const d of this.devices) await d.stop().catch(() => undefined);
    this.proxy.restore();
  }
}

/** The folder an op may remove on `dev` (it is one now). */
function removedFolder(dev: HarnessDevice, op: Op): string | undefined {
  const dirAt = (rel: string) => (statIsDir(dev.hand.abs(rel)) ? rel : undefined);
  switch (op.t) {
    case 'deleteTree':
    case 'dirToFile':
      return dirAt(op.path);
    case 'renameDir':
    case 'caseRename':
      return dirAt(op.from);
    default:
      return undefined;
  }
}

function statIsDir(abs: string): boolean {
  try {
    return lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}

interface Trigger {
  /** Runs the action now, unless it ran already. */
  fire(): void;
  close(): void;
}

/**
 * Watches the deepest existing folder on the way to `rel` under `root` and runs
 * `action` once, on the first entry created there that is ours (a materializer temp
 * file) or on the way to `rel` (the folder it lands in, or the file itself).
 */
function armLandingTrigger(root: string, rel: string, action: () => void): Trigger {
  const parts = rel.split('/');
  let depth = parts.length - 1;
  let watcher: FSWatcher | undefined;
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    watcher?.close();
    action();
  };
  for (; depth >= 0 && watcher === undefined; depth -= 1) {
    const dir = path.join(root, ...parts.slice(0, depth));
    const next = parts[depth] as string;
    try {
      watcher = watch(dir, (_event, name) => {
        if (name && (name.startsWith(TEMP_PREFIX) || name === next)) fire();
      });
      // The folder went away under the watch: the op writes when the wait ends instead.
      watcher.on('error', () => watcher?.close());
    } catch {
      // Not there (or not a folder) on this device: watch the one above.
    }
  }
  return { fire, close: () => watcher?.close() };
}
