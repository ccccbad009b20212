/**
 * Where a kill landed, read from what it left (the kills land by time, so the plan says where
 * they were aimed, this says where they hit): the round's events in the killed device's store
 * and on the hub, the round's files and our temp files in its folder, the log lines it printed.
 */
import type { Phase } from './killPlan.js';

export interface KillEvidence {
  /** Our temp files in the victim's folder. */
  readonly temps: readonly string[];
  /** Events the writer recorded for the round at least (one per file written, deleted, edited). */
  readonly roundEvents: number;
  /** The writer's events of this round on the hub, and in the victim's store (cold look; not opened in the orphan round). */
  readonly onHub: number;
  readonly inVictim: number | undefined;
  /** Files of this round in the victim's folder at their new size. */
  readonly filesInVictim: number;
  readonly roundFiles: number;
  /** Log lines the victim printed before the kill. */
  readonly scansFinished: number;
  readonly syncRuns: number;
  readonly materialized: number;
  /** ms from the marker to the kill. */
  readonly killedAfterMs: number;
  /** The orphan round: the orphaned server's postmaster. */
  readonly orphanPid: number | undefined;
}

/** A short name for where the kill hit. */
export function landedIn(phase: Phase, e: KillEvidence): string {
  if (phase === 'scan' || phase === 'push') {
    // The writer was killed.
    if (e.inVictim === undefined)
      return e.onHub < e.roundEvents ? 'scan or push (store not opened)' : 'after the push';
    if (e.inVictim < e.roundEvents) return 'scan (round not all recorded)';
    if (e.onHub < e.inVictim) return 'push (recorded, not all on the hub)';
    return 'after the push';
  }
  // The receiver was killed.
  if (e.temps.length > 0) return 'materialize (temp files left)';
  if (e.filesInVictim > 0 && e.filesInVictim < e.roundFiles)
    return 'materialize (some files written)';
  if (e.filesInVictim >= e.roundFiles) return 'after the materialize';
  if (e.inVictim === undefined) return 'pull or materialize (store not opened)';
  if (e.inVictim < e.onHub) return 'pull (round not all stored)';
  return 'pull (stored, nothing written yet)';
}

export function describeEvidence(e: KillEvidence): string {
  return [
    `killed ${e.killedAfterMs} ms after the marker`,
    `before it ${e.scansFinished} scans, ${e.syncRuns} sync runs, ${e.materialized} materialize batches`,
    `round events ${e.roundEvents}+: on the hub ${e.onHub}, in the victim ${e.inVictim ?? '(not opened)'}`,
    `round files in the victim's folder ${e.filesInVictim}/${e.roundFiles}`,
    `temp files left ${e.temps.length}`,
    ...(e.orphanPid !== undefined ? [`orphaned server pid ${e.orphanPid}`] : []),
  ].join('; ');
}
