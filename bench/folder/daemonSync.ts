/**
 * (a) and (e) as a user meets them: two devices, each a `netguardian start` daemon in its own
 * process (two machines sharing one hub; Syncthing's figure in issue 3 is two instances on one
 * machine too). B runs idle on an empty folder; A is started on a folder already holding the
 * tree, as after installing the app on a full folder. Timed from spawning A's daemon (so its
 * start-up, scan, chunk upload and event push are all in) until B's folder holds every file of
 * the tree; B's tree is then compared with A's by digest. (e) is the high-water mark of resident
 * memory (VmHWM) of each daemon, read when B is complete, with the memory of its device's
 * PostgreSQL server (PSS of the postmaster and its children) read at the same moment. When the
 * hub is its own process (`hub start`), its memory and CPU time are read as A starts and when B
 * is complete: what the hub itself spent to pass the tree from A to B.
 */
import path from 'node:path';
import {
  buildCli,
  daemonMemory,
  idleDaemon,
  initDevice,
  runCli,
  stop,
  untilWatching,
  type Child,
  type DaemonHub,
  type DaemonMemory,
} from './daemon.js';
import { timeCpR, writeBack } from './commands.js';
import { skipTemp } from './initialSync.js';
import type { HubUsage } from './hubProcess.js';
import type { ScratchDirs } from './scratchDirs.js';
import { listFiles, treeDigest, writeTree, type TreeDigest, type TreeShape } from './tree.js';
import { PresenceCheck, pollUntil } from './waits.js';

export interface DaemonSyncResult {
  readonly files: number;
  readonly bytes: number;
  /** `cp -r` of A's tree, just before A's daemon started: the floor of copying it on this disk. */
  readonly cpMs: number;
  /** From spawning A's daemon until B's folder held every file. */
  readonly syncMs: number;
  /** From spawning A's daemon until it reported its first sync done (scan recorded, all pushed). */
  readonly aPushedMs: number | null;
  readonly identical: boolean;
  /** Each daemon and its device server, read when B was complete. */
  readonly a: DaemonMemory;
  readonly b: DaemonMemory;
  /** A daemon on an empty folder with nothing to sync, once watching; null: not run. */
  readonly idle: { readonly memory: DaemonMemory; readonly exitCode: number | null } | null;
  /** The hub process as A's daemon was spawned and when B was complete; null: not its own process. */
  readonly hub: { readonly atStart: HubUsage; readonly atEnd: HubUsage } | null;
  readonly exitCodes: { readonly a: number | null; readonly b: number | null };
}

/** Milliseconds since `t0` when `child` first printed `marker`, watched from now on. */
function whenPrinted(child: Child, marker: string, t0: number): () => number | null {
  let at: number | null = null;
  const check = (b: Buffer) => {
    if (at === null && b.toString('utf8').includes(marker)) at = performance.now() - t0;
  };
  child.process.stdout?.on('data', check);
  child.process.stderr?.on('data', check);
  return () => at;
}

export async function benchDaemonSync(options: {
  readonly hub: DaemonHub;
  /** The hub process's memory and CPU time now, when the hub is one. */
  readonly hubUsage?: () => Promise<HubUsage>;
  readonly spaceId: string;
  /** The idle daemon's space; none: no idle daemon. */
  readonly idleSpaceId?: string;
  readonly shape: TreeShape;
  readonly seed: string;
  readonly scratch: ScratchDirs;
  readonly log?: (message: string) => void;
}): Promise<DaemonSyncResult> {
  const log = options.log ?? (() => undefined);
  await buildCli();
  let idle: DaemonSyncResult['idle'] = null;
  if (options.idleSpaceId !== undefined) {
    const run = await idleDaemon(options.hub, options.idleSpaceId, options.scratch);
    idle = { memory: run.memory, exitCode: run.code };
    log(
      `idle daemon: peak ${(run.memory.daemon.peakRss / 2 ** 20).toFixed(0)} MiB, its server ${(run.memory.server.pss / 2 ** 20).toFixed(0)} MiB PSS`,
    );
  }

  const dirA = await options.scratch.make('ng-bench-daemon-a-');
  const dirB = await options.scratch.make('ng-bench-daemon-b-');
  const children: Child[] = [];
  try {
    const a = await initDevice(options.hub, dirA, 'bench-daemon-a', options.spaceId);
    const b = await initDevice(options.hub, dirB, 'bench-daemon-b', options.spaceId);
    await writeTree(a.folder, options.shape, options.seed);
    const expected: TreeDigest = await treeDigest(a.folder);
    const cpMs = await timeCpR(
      a.folder,
      path.join(await options.scratch.make('ng-bench-daemon-cp-'), 'copy'),
    );
    log(`cp -r of A's tree: ${(cpMs / 1000).toFixed(2)} s`);

    const daemonB = runCli(['start', '--data', b.data], dirB);
    children.push(daemonB);
    await untilWatching(daemonB, "B's daemon");
    await writeBack();

    const hubAtStart = await options.hubUsage?.();
    const t0 = performance.now();
    const daemonA = runCli(['start', '--data', a.data], dirA);
    children.push(daemonA);
    const aPushed = whenPrinted(daemonA, 'watching', t0);
    const presence = new PresenceCheck(b.folder, await listFiles(a.folder));
    let completeAt: number | undefined;
    const digest = await pollUntil(
      "B's folder to hold the tree",
      async () => {
        for (const [name, d] of [
          ['A', daemonA],
          ['B', daemonB],
        ] as const) {
          if (d.process.exitCode !== null)
            throw new Error(
              `${name}'s daemon exited ${d.process.exitCode}:\n${d.output().slice(-2000)}`,
            );
        }
        if (!presence.allPresent()) return undefined;
        // Every file at its final name: timed now; the digest (seconds of hashing) is not timed.
        completeAt ??= performance.now();
        const d = await treeDigest(b.folder, skipTemp);
        if (d.digest === expected.digest) return d;
        completeAt = undefined;
        return undefined;
      },
      { everyMs: 100, timeoutMs: 900_000 },
    );
    const syncMs = (completeAt ?? performance.now()) - t0;
    // Read after the digest, whose hashing is this process's: the hub's CPU is its own anyway.
    const hubAtEnd = await options.hubUsage?.();
    log(`two daemons: B complete ${(syncMs / 1000).toFixed(2)} s after A's start`);
    // High-water marks only grow: read once B is complete, before stopping.
    const memA = await daemonMemory(daemonA, a.data);
    const memB = await daemonMemory(daemonB, b.data);
    const codeA = await stop(daemonA, "A's daemon");
    const codeB = await stop(daemonB, "B's daemon");
    children.length = 0;
    return {
      files: expected.files,
      bytes: expected.bytes,
      cpMs,
      syncMs,
      aPushedMs: aPushed(),
      identical: digest.files === expected.files && digest.bytes === expected.bytes,
      a: memA,
      b: memB,
      idle,
      hub: hubAtStart && hubAtEnd ? { atStart: hubAtStart, atEnd: hubAtEnd } : null,
      exitCodes: { a: codeA, b: codeB },
    };
  } finally {
    for (const c of children) c.process.kill('SIGKILL');
  }
}
