/**
 * A round's work put in place the way its phase needs, and the kill at the kill point (see
 * crashKills.int.test.ts for the four phases and their markers). The seeded delay counts from the
 * moment the marker appeared.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pollUntil } from '../../folderSync/support/folderTree.js';
import { logged, type CliProcess } from './daemon.js';
import { fileSizes, tempFiles } from './folderWalk.js';
import type { HubView } from './hubView.js';
import type { KillPoint } from './killPlan.js';
import type { Machine } from './machine.js';
import { placeFiles, removeFiles, type RoundWork } from './workload.js';

const START_MS = 60_000;
const MARKER_MS = 60_000;
/** How often a marker on the hub or in a folder is looked for. */
const MARKER_POLL_MS = 3;
/** How often the materialize marker checks whether the receiver already wrote the whole round. */
const HOLDS_ALL_POLL_MS = 100;

export interface KillTimes {
  /** performance.now() when the marker appeared, and when the killed process was gone. */
  readonly marker: number;
  readonly at: number;
  /** materialize: temp files seen before the kill (the receiver may finish without one). */
  readonly sightings: number;
}

export interface RoundDevices {
  /** Its folder gets the round's files. */
  readonly writer: Machine;
  /** It receives them; it may change a few of the same files at the same moment. */
  readonly other: Machine;
  readonly hub: HubView;
}

/** Sleeps until `delayMs` after `marker`, kills, and says when. */
async function killAfter(daemon: CliProcess, marker: number, delayMs: number): Promise<KillTimes> {
  await sleep(Math.max(0, marker + delayMs - performance.now()));
  await daemon.kill();
  return { marker, at: performance.now(), sightings: 0 };
}

/** Events the writer records for the round at least: one per file written, deleted or edited. */
export const roundEvents = (work: RoundWork): number =>
  work.writes.length + work.deletes.length + work.concurrent.length;

export async function giveWorkAndKill(
  point: KillPoint,
  work: RoundWork,
  { writer, other, hub }: RoundDevices,
): Promise<KillTimes> {
  const theirs = work.concurrent.map((c) => c.other);
  const mine = [...work.concurrent.map((c) => c.writer), ...work.writes];
  const putWritersFiles = async () => {
    await placeFiles(writer.folder, writer.staging, mine);
    await removeFiles(writer.folder, work.deletes);
  };
  const poll = { timeoutMs: MARKER_MS, intervalMs: MARKER_POLL_MS };
  switch (point.phase) {
    case 'scan':
    case 'push': {
      // The writer is stopped, gets its files, and is killed in its first scan or push after
      // starting. The other device's edits reach the hub first: the writer's are concurrent.
      await writer.stop();
      const otherBase = await hub.maxSeq(other.nodeId);
      await placeFiles(other.folder, other.staging, theirs);
      if (theirs.length > 0)
        await hub.untilHolds(other.nodeId, otherBase + theirs.length, "the other's edits", poll);
      await putWritersFiles();
      const chunks = await hub.chunks();
      const daemon = writer.start();
      if (point.phase === 'scan') {
        const listening = await daemon.waitFor(
          'control channel listening',
          logged('control channel listening'),
          START_MS,
        );
        return killAfter(daemon, listening.at, point.delayMs);
      }
      await pollUntil(
        'the first chunk of the round on the hub',
        async () => {
          if (!daemon.running) throw new Error(`${daemon.label} exited:\n${daemon.tail()}`);
          return (await hub.chunks()) > chunks ? true : undefined;
        },
        poll,
      );
      return killAfter(daemon, performance.now(), point.delayMs);
    }
    case 'pull': {
      // The receiver is stopped while the writer pushes the round, then started: its first sync
      // pulls the whole round in one batch and writes it, and is killed while at it.
      const writerBase = await hub.maxSeq(writer.nodeId);
      await other.stop();
      await placeFiles(other.folder, other.staging, theirs);
      await putWritersFiles();
      await hub.untilHolds(writer.nodeId, writerBase + roundEvents(work), "the writer's round", {
        timeoutMs: MARKER_MS,
        intervalMs: 20,
      });
      const daemon = other.start();
      const scanned = await daemon.waitFor('scan finished', logged('scan finished'), START_MS);
      return killAfter(daemon, scanned.at, point.delayMs);
    }
    case 'materialize': {
      // Both run; the receiver writes the round as it arrives and is killed while a temp file of
      // its own is in its folder (at the n-th look that finds one). Should it write the whole
      // round without one being seen, it is killed then, and the evidence says so.
      const daemon = other.running;
      await placeFiles(other.folder, other.staging, theirs);
      await putWritersFiles();
      let sightings = 0;
      let lookedForAll = performance.now();
      await pollUntil(
        `${point.sightings} sightings of a temp file in ${other.name}'s folder`,
        async () => {
          if (!daemon.running) throw new Error(`${daemon.label} exited:\n${daemon.tail()}`);
          if ((await tempFiles(other.folder)).length > 0) sightings += 1;
          else if (sightings === 0 && performance.now() - lookedForAll > HOLDS_ALL_POLL_MS) {
            lookedForAll = performance.now();
            if (await holdsAll(other, work)) return true;
          }
          return sightings >= point.sightings ? true : undefined;
        },
        poll,
      );
      const marker = performance.now();
      await daemon.kill();
      return { marker, at: performance.now(), sightings };
    }
    default: {
      const never: never = point.phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
}

/** Whether `m`'s folder holds every file of the round at its new size. */
async function holdsAll(m: Machine, work: RoundWork): Promise<boolean> {
  const sizes = await fileSizes(m.folder);
  return work.writes.every((f) => sizes.get(f.path) === f.bytes.length);
}
