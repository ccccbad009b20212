/**
 * Syncthing on the same tree shape, the way the NetGuardian side runs: B is up with its empty
 * folder; A is started on a folder already holding the tree (a fresh copy from the same seed, in
 * new dirs); timed from spawning A until B's folder holds every file at its size and B's REST API
 * says the folder is idle with nothing needed. The rescan is `POST /rest/db/scan` on A (it returns
 * when the scan is done), then until A's folder is idle again.
 */
import type { ScratchDirs } from '../folder/scratchDirs.js';
import { writeBack } from '../folder/commands.js';
import { writeTree, type TreeShape } from '../folder/tree.js';
import { pollUntil } from '../folder/waits.js';
import { expectedTree, presenceOn } from './completion.js';
import { PeakSampler, settledFigures, type GroupRoots } from './processGroup.js';
import { waitForQuiet } from './quiet.js';
import { RESCAN_RUNS, type SideResult } from './sideResult.js';
import { syncthingPair, type SyncthingInstance } from './syncthing.js';

const SYNC_TIMEOUT_MS = 4 * 3600_000;

const rootsOf =
  (st: SyncthingInstance): GroupRoots =>
  () => {
    try {
      return Promise.resolve([st.pid]);
    } catch {
      return Promise.resolve([]); // not started yet
    }
  };

export async function runSyncthingSide(options: {
  readonly shape: TreeShape;
  readonly seed: string;
  readonly scratch: ScratchDirs;
  readonly maxQuietWaitMs: number;
  readonly log: (m: string) => void;
}): Promise<SideResult> {
  const { scratch, log } = options;
  const { a, b } = await syncthingPair(
    await scratch.make('st-scale-a-'),
    await scratch.make('st-scale-b-'),
  );
  try {
    await writeTree(a.folder, options.shape, options.seed);
    const tree = await expectedTree(a.folder);
    await b.start();
    await b.untilIdle(60_000);
    await writeBack();
    const quiet = await waitForQuiet(options.maxQuietWaitMs, log);

    const groups = new Map<string, GroupRoots>([
      ['A', rootsOf(a)],
      ['B', rootsOf(b)],
    ]);
    const sampler = new PeakSampler(groups);
    const t0 = performance.now();
    await a.start();
    const presence = presenceOn(b.folder, tree);
    await pollUntil(
      "Syncthing B's folder to hold the tree",
      async () => {
        a.assertRunning();
        b.assertRunning();
        if (!presence.allPresent()) return undefined;
        const s = await b.folderStatus();
        return s.state === 'idle' && s.needTotalItems === 0 && s.globalFiles === tree.files.length
          ? true
          : undefined;
      },
      { everyMs: 100, timeoutMs: SYNC_TIMEOUT_MS },
    );
    const settled = await settledFigures({
      product: 'Syncthing',
      startedAt: t0,
      sampler,
      groups,
      tree,
      folderB: b.folder,
      stores: [
        ['A', () => a.databaseDir()],
        ['B', () => b.databaseDir()],
      ],
      log,
    });
    const devices = settled.figures;
    const { syncMs, compared, differing } = settled;

    await a.untilIdle(600_000);
    const rescanMs: number[] = [];
    for (let r = 0; r < RESCAN_RUNS; r++) rescanMs.push(await a.timeRescan());
    return { syncMs, compared, differing, rescanMs, devices, quiet };
  } finally {
    await a.stop();
    await b.stop();
  }
}
