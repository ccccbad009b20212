/**
 * NetGuardian as a user runs it, on one tree: `netguardian hub start --data DIR` (its own
 * embedded PostgreSQL), two devices paired with `hub invite` and `init --folder F --join CODE`,
 * each run by a `netguardian start --data D` daemon. B's daemon is watching its empty folder;
 * A's is started on a folder already holding the tree; timed until B's folder holds every file.
 *
 * The rescan of the unchanged tree is `netguardian sync --data A` with A's daemon stopped: what a
 * user runs to have the folder looked at now. Its wall time includes the process's start-up and
 * its device server's (a second or so): NetGuardian has no way to ask a running daemon to
 * rescan, and that is the same command a user would wait for.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { initDevice, runCli, stop, untilWatching, type Child } from '../folder/daemon.js';
import { HubProcess } from '../folder/hubProcess.js';
import { devicePostmasterPid } from '../folder/processMemory.js';
import type { ScratchDirs } from '../folder/scratchDirs.js';
import { writeBack } from '../folder/commands.js';
import { writeTree, type TreeShape } from '../folder/tree.js';
import { pollUntil } from '../folder/waits.js';
import { readPostmasterPid } from '../../src-main/core/device/localPostgres/postmasterPid.js';
import { expectedTree, presenceOn } from './completion.js';
import { PeakSampler, settledFigures, type GroupRoots } from './processGroup.js';
import { waitForQuiet } from './quiet.js';
import { RESCAN_RUNS, type GroupFigures, type SideResult } from './sideResult.js';

const SYNC_TIMEOUT_MS = 4 * 3600_000;
/** What `netguardian sync` says when the scan found nothing to send. */
const CLEAN_RESCAN = /^synced: sent 0, /m;

/** A daemon and its device's PostgreSQL server (not running yet: only what is up). */
function deviceRoots(daemon: () => Child | undefined, dataDir: string): GroupRoots {
  return async () => {
    const pid = daemon()?.process.pid;
    if (pid === undefined) return [];
    try {
      return [pid, await devicePostmasterPid(dataDir)];
    } catch {
      return [pid]; // its server is still starting
    }
  };
}

function hubRoots(hub: HubProcess): GroupRoots {
  return async () => {
    const postmaster = await readPostmasterPid(path.join(hub.dataDir, 'pgdata'));
    return postmaster ? [hub.pid, postmaster.pid] : [hub.pid];
  };
}

export async function runNetGuardianSide(options: {
  readonly shape: TreeShape;
  readonly seed: string;
  readonly scratch: ScratchDirs;
  readonly maxQuietWaitMs: number;
  readonly log: (m: string) => void;
}): Promise<SideResult> {
  const { scratch, log } = options;
  const hub = await HubProcess.start({ dir: await scratch.make('ng-scale-hub-') });
  const children: Child[] = [];
  try {
    const spaceId = `bench-scale-${randomBytes(3).toString('hex')}`;
    const dirA = await scratch.make('ng-scale-a-');
    const dirB = await scratch.make('ng-scale-b-');
    const a = await initDevice(hub, dirA, 'scale-a', spaceId);
    const b = await initDevice(hub, dirB, 'scale-b', spaceId);
    await writeTree(a.folder, options.shape, options.seed);
    const tree = await expectedTree(a.folder);

    const daemonB = runCli(['start', '--data', b.data], dirB);
    children.push(daemonB);
    await untilWatching(daemonB, "B's daemon");
    await writeBack();
    const quiet = await waitForQuiet(options.maxQuietWaitMs, log);

    // A's daemon is sampled from the moment it is spawned.
    const running: { a?: Child } = {};
    const groups = new Map<string, GroupRoots>([
      ['A', deviceRoots(() => running.a, a.data)],
      ['B', deviceRoots(() => daemonB, b.data)],
      ['hub', hubRoots(hub)],
    ]);
    const sampler = new PeakSampler(groups);
    const t0 = performance.now();
    const startedA = runCli(['start', '--data', a.data], dirA);
    running.a = startedA;
    children.push(startedA);
    const presence = presenceOn(b.folder, tree);
    await pollUntil(
      "B's folder to hold the tree",
      () => {
        for (const d of [startedA, daemonB])
          if (d.process.exitCode !== null)
            throw new Error(`a daemon exited ${d.process.exitCode}:\n${d.output().slice(-2000)}`);
        return Promise.resolve(presence.allPresent() ? true : undefined);
      },
      { everyMs: 100, timeoutMs: SYNC_TIMEOUT_MS },
    );
    const settled = await settledFigures({
      product: 'NetGuardian',
      startedAt: t0,
      sampler,
      groups,
      tree,
      folderB: b.folder,
      stores: [
        ['A', () => Promise.resolve(a.data)],
        ['B', () => Promise.resolve(b.data)],
        ['hub', () => Promise.resolve(hub.dataDir)],
      ],
      log,
    });
    const [figuresA, figuresB, hubFigures] = settled.figures as [
      GroupFigures,
      GroupFigures,
      GroupFigures,
    ];
    const devices = [figuresA, figuresB];
    const { syncMs, compared, differing } = settled;

    await stop(startedA, "A's daemon");
    await stop(daemonB, "B's daemon");
    children.length = 0;
    const rescanMs: number[] = [];
    for (let r = 0; r < RESCAN_RUNS; r++) {
      const t = performance.now();
      const sync = runCli(['sync', '--data', a.data], dirA);
      // Bounded: a sync that hangs is killed, and its exit is then a failure below.
      const timer = setTimeout(() => sync.process.kill('SIGKILL'), 600_000);
      const code = await sync.exited;
      clearTimeout(timer);
      rescanMs.push(performance.now() - t);
      if (code !== 0 || !CLEAN_RESCAN.test(sync.output()))
        throw new Error(
          `netguardian sync of the unchanged tree exited ${code}:\n${sync.output().slice(-2000)}`,
        );
    }
    return { syncMs, compared, differing, rescanMs, devices, hub: hubFigures, quiet };
  } finally {
    for (const c of children) c.process.kill('SIGKILL');
    await hub.close();
  }
}
