/**
 * The first scan at a million files (issue 14 point 3): a local-only device made with
 * `netguardian init --folder F`, then `netguardian sync --data D`, the command that scans the
 * folder into the store (a daemon's first scan does the same work). Timed from spawning `sync`
 * to its exit; memory is the peak PSS of the `sync` process and its device's PostgreSQL server,
 * sampled every 250 ms. Each tree is written fresh into new dirs and nothing is deleted until the
 * whole bench is done (scratchDirs.ts); the bench waits for a quiet machine before each timing.
 */
import path from 'node:path';
import { writeBack } from '../folder/commands.js';
import { initDevice, runCli, type Child } from '../folder/daemon.js';
import { devicePostmasterPid } from '../folder/processMemory.js';
import type { ScratchDirs } from '../folder/scratchDirs.js';
import { writeTree, type TreeShape } from '../folder/tree.js';
import { diskUsage, PeakSampler, type GroupRoots } from '../scale/processGroup.js';
import { waitForQuiet, type QuietWait } from '../scale/quiet.js';

export const SCAN_TREES = {
  '100k': { smallFiles: 100_000, dirs: 1_000, bigFiles: 0, bigBytes: 0 },
  '1M': { smallFiles: 1_000_000, dirs: 10_000, bigFiles: 0, bigBytes: 0 },
} as const satisfies Record<string, TreeShape>;
export const QUICK_SCAN_TREES = {
  '2k': { smallFiles: 2_000, dirs: 20, bigFiles: 0, bigBytes: 0 },
  '20k': { smallFiles: 20_000, dirs: 200, bigFiles: 0, bigBytes: 0 },
} as const satisfies Record<string, TreeShape>;

export interface ScanResult {
  readonly name: string;
  readonly files: number;
  readonly dirs: number;
  readonly bytes: number;
  readonly scanMs: number;
  readonly peakBytes: number;
  readonly storeBytes: number;
  readonly quiet: QuietWait;
}

/** The longest a first scan may take before it is killed (a bounded run). */
const SCAN_TIMEOUT_MS = 3 * 3600_000;

const LOCAL_ONLY = {
  initArgs: (_name: string, spaceId: string) => Promise.resolve(['--space', spaceId]),
};

export async function measureFirstScan(options: {
  readonly name: string;
  readonly shape: TreeShape;
  readonly scratch: ScratchDirs;
  readonly maxQuietWaitMs: number;
  readonly log: (m: string) => void;
}): Promise<ScanResult> {
  const { name, shape, log } = options;
  const dir = await options.scratch.make(`ng-first-scan-${name}-`);
  const device = await initDevice(LOCAL_ONLY, dir, `scan-${name}`, `bench-scan-${name}`);
  log(`first scan ${name}: writing ${shape.smallFiles.toLocaleString('en-US')} files`);
  const stats = await writeTree(device.folder, shape, `first-scan-${name}`);
  await writeBack();
  const quiet = await waitForQuiet(options.maxQuietWaitMs, log);
  log(`first scan ${name}: netguardian sync`);
  const running: { sync?: Child } = {};
  const roots: GroupRoots = async () => {
    const pid = running.sync?.process.pid;
    if (pid === undefined) return [];
    try {
      return [pid, await devicePostmasterPid(device.data)];
    } catch {
      return [pid]; // its server is still starting, or already stopped
    }
  };
  const sampler = new PeakSampler(new Map([['device', roots]]));
  const started = performance.now();
  const sync = runCli(['sync', '--data', device.data], dir);
  running.sync = sync;
  const timer = setTimeout(() => sync.process.kill('SIGKILL'), SCAN_TIMEOUT_MS);
  const code = await sync.exited;
  clearTimeout(timer);
  const scanMs = performance.now() - started;
  const peakBytes = (await sampler.stop()).get('device') ?? 0;
  if (code !== 0)
    throw new Error(`netguardian sync of ${name} exited ${code}:\n${sync.output().slice(-2000)}`);
  log(`first scan ${name}: ${(scanMs / 1000).toFixed(1)} s`);
  return {
    name,
    files: stats.files,
    dirs: shape.dirs,
    bytes: stats.bytes,
    scanMs,
    peakBytes,
    storeBytes: await diskUsage(path.join(device.data)),
    quiet,
  };
}
