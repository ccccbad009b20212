/**
 * (f) Recovery after a hub outage (issue 11, point 4: "after the hub comes back a change
 * propagates in under 1 s again without a restart"). Two `netguardian start` daemons, A and B,
 * share a hub the bench can stop and start on the same port: a `netguardian hub start` process
 * (hubProcess.ts) with its embedded PostgreSQL, which the daemons joined by invite. A's folder holds a few
 * small files, synced to B before anything is timed. Then:
 *
 * - baseline: a one-file change written on A, timed until B's copy holds exactly its bytes (as
 *   in (b)), a few times, before any outage;
 * - the hub is stopped (every connection cut) and kept down for `outageMs`; both daemons keep
 *   running, and their status (asked over the control channel, as `netguardian status` does)
 *   must say their live channel is down;
 * - the hub is started again, and at once (i) one file is changed on A and timed until B holds
 *   it, while both daemons' status is polled to see when each live channel is open again (a
 *   daemon retries with backoff, 1 s doubling to 30 s, so (i) includes B's wait for its retry);
 * - once both are live again, (ii) the baseline's change is timed again, same runs.
 *
 * No daemon is restarted at any point. Polling B's file and the two statuses costs the daemons
 * little (an lstat every 5 ms; a status every 100 ms).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeviceStatusView } from '../../src-shared/ipc/contract.js';
import {
  connectControlChannel,
  type ControlClient,
} from '../../src-main/core/device/controlChannel/client.js';
import { initDevice, runCli, stop, untilWatching, type Child, type DaemonHub } from './daemon.js';
import { sampleStats, type SampleStats } from '../support/stats.js';
import type { ScratchDirs } from './scratchDirs.js';
import { listFiles, SeededBytes, writeTree } from './tree.js';
import { holds, pollUntil, PresenceCheck } from './waits.js';

export interface RecoverySizes {
  /** Small files in A's folder, synced to B before anything is timed. */
  readonly files: number;
  /** One-file changes timed before the outage, and again once settled after it. */
  readonly runs: number;
  /** How long the hub stays down, from its stop until its restart begins. */
  readonly outageMs: number;
}

export interface RecoveryResult {
  readonly files: number;
  /** The one-file change A → B before the outage. */
  readonly baseline: SampleStats;
  /** From stopping the hub until it accepted connections again. */
  readonly outageMs: number;
  /** Of which the restart: starting the server again until it accepted connections. */
  readonly restartMs: number;
  /** From the hub's stop until each daemon's status said its live channel was down. */
  readonly lossSeenMs: { readonly a: number; readonly b: number };
  /** (i) A change written on A as soon as the hub was back, until B held it. */
  readonly firstChangeMs: number;
  /** From the hub being back until each daemon's status said its live channel was open. */
  readonly reconnectMs: { readonly a: number; readonly b: number };
  /** (ii) The baseline's change once both live channels were open again. */
  readonly settled: SampleStats;
  readonly exitCodes: { readonly a: number | null; readonly b: number | null };
}

const POLL_FILE_MS = 5;
const POLL_STATUS_MS = 100;
/** Lets the watchers report the previous run's writes (B's own download) before the next. */
const SETTLE_MS = 300;
/** Generous: a daemon that missed a change picks it up at its next retry (≤ 30 s) or sync. */
const PROPAGATION_TIMEOUT_MS = 120_000;
const STATUS_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function live(client: ControlClient): Promise<boolean> {
  const status: DeviceStatusView = await client.call('device:status', {});
  return status.hub?.live === true;
}

/** Ms from `t0` until `client`'s status says the live channel is `wanted`. */
async function whenLive(
  client: ControlClient,
  wanted: boolean,
  t0: number,
  what: string,
): Promise<number> {
  await pollUntil(what, async () => ((await live(client)) === wanted ? true : undefined), {
    everyMs: POLL_STATUS_MS,
    timeoutMs: STATUS_TIMEOUT_MS,
  });
  return performance.now() - t0;
}

/** A hub the bench can take down and bring back on the same address (a `hub start` process). */
export interface OutageHub extends DaemonHub {
  /** Stops it; resolves once it has exited, every connection cut. */
  stop(): Promise<unknown>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  restart(): Promise<void>;
}

export async function benchRecovery(options: {
  readonly hub: OutageHub;
  readonly spaceId: string;
  readonly sizes: RecoverySizes;
  readonly seed: string;
  readonly scratch: ScratchDirs;
  readonly log?: (message: string) => void;
}): Promise<RecoveryResult> {
  const { hub, sizes } = options;
  const log = options.log ?? (() => undefined);
  const dirA = await options.scratch.make('ng-bench-recovery-a-');
  const dirB = await options.scratch.make('ng-bench-recovery-b-');
  const children: Child[] = [];
  const clients: ControlClient[] = [];
  try {
    const a = await initDevice(hub, dirA, 'bench-recovery-a', options.spaceId);
    const b = await initDevice(hub, dirB, 'bench-recovery-b', options.spaceId);
    await writeTree(
      a.folder,
      { smallFiles: sizes.files, dirs: 1, bigFiles: 0, bigBytes: 0 },
      options.seed,
    );
    const files = await listFiles(a.folder);

    const daemonB = runCli(['start', '--data', b.data], dirB);
    children.push(daemonB);
    await untilWatching(daemonB, "B's daemon");
    const daemonA = runCli(['start', '--data', a.data], dirA);
    children.push(daemonA);
    await untilWatching(daemonA, "A's daemon");
    const presence = new PresenceCheck(b.folder, files);
    await pollUntil(
      "B's folder to hold A's files",
      () => Promise.resolve(presence.allPresent() ? true : undefined),
      { everyMs: 50, timeoutMs: PROPAGATION_TIMEOUT_MS },
    );
    const connect = async (data: string, name: string) => {
      const client = await connectControlChannel(data, { timeoutMs: 5_000 });
      if (!client) throw new Error(`${name}'s daemon does not answer on its control channel`);
      clients.push(client);
      return client;
    };
    const statusA = await connect(a.data, 'A');
    const statusB = await connect(b.data, 'B');
    await whenLive(statusA, true, performance.now(), "A's live channel");
    await whenLive(statusB, true, performance.now(), "B's live channel");

    const rnd = new SeededBytes(`${options.seed}-changes`);
    let turn = 0;
    /** Writes new bytes into the next file on A; ms until B holds them. */
    const change = async (): Promise<number> => {
      const rel = files[turn++ % files.length] as string;
      const bytes = rnd.next(rnd.int(1024, 4096));
      const started = performance.now();
      await writeFile(path.join(a.folder, ...rel.split('/')), bytes);
      await pollUntil(
        `${rel} on B`,
        async () =>
          (await holds(path.join(b.folder, ...rel.split('/')), bytes)) ? true : undefined,
        { everyMs: POLL_FILE_MS, timeoutMs: PROPAGATION_TIMEOUT_MS },
      );
      return performance.now() - started;
    };
    const timedRuns = async (runs: number): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        await sleep(SETTLE_MS);
        samples.push(await change());
      }
      return samples;
    };

    // One untimed change first, as (b) warms up.
    await sleep(SETTLE_MS);
    await change();
    const baseline = sampleStats(await timedRuns(sizes.runs));
    log(`(f) before the outage: ${baseline.medianMs.toFixed(0)} ms median`);

    const stopAt = performance.now();
    await hub.stop();
    const [lossA, lossB] = await Promise.all([
      whenLive(statusA, false, stopAt, "A's status to say the hub's live channel is down"),
      whenLive(statusB, false, stopAt, "B's status to say the hub's live channel is down"),
    ]);
    await sleep(Math.max(0, sizes.outageMs - (performance.now() - stopAt)));
    const restartAt = performance.now();
    await hub.restart();
    const backAt = performance.now();
    log(`(f) hub down ${((backAt - stopAt) / 1000).toFixed(1)} s; changing a file on A at once`);

    const [firstChangeMs, reconnectA, reconnectB] = await Promise.all([
      change(),
      whenLive(statusA, true, backAt, "A's live channel to open again"),
      whenLive(statusB, true, backAt, "B's live channel to open again"),
    ]);
    log(
      `(f) first change after the outage: ${firstChangeMs.toFixed(0)} ms; live again after A ${reconnectA.toFixed(0)} ms, B ${reconnectB.toFixed(0)} ms`,
    );
    const settled = sampleStats(await timedRuns(sizes.runs));
    log(`(f) settled: ${settled.medianMs.toFixed(0)} ms median`);

    for (const [name, d] of [
      ['A', daemonA],
      ['B', daemonB],
    ] as const) {
      if (d.process.exitCode !== null)
        throw new Error(
          `${name}'s daemon exited ${d.process.exitCode}:\n${d.output().slice(-2000)}`,
        );
    }
    for (const c of clients.splice(0)) await c.close();
    const codeA = await stop(daemonA, "A's daemon");
    const codeB = await stop(daemonB, "B's daemon");
    children.length = 0;
    return {
      files: files.length,
      baseline,
      outageMs: backAt - stopAt,
      restartMs: backAt - restartAt,
      lossSeenMs: { a: lossA, b: lossB },
      firstChangeMs,
      reconnectMs: { a: reconnectA, b: reconnectB },
      settled,
      exitCodes: { a: codeA, b: codeB },
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    for (const c of children) c.process.kill('SIGKILL');
  }
}
