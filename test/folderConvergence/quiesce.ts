import type { HarnessDevice } from './devices.js';
import { entryKey, readTree } from './trees.js';

/**
 * Quiescence: the hub reachable, every app running, then sync rounds (each device's
 * `sync:run`, what "Sync now" does: scan, pull and write, push, repair) until a whole
 * round sends, receives and scans nothing, ends without error, and leaves every folder
 * as the round before did. Materializing can record new events (conflict copies, a
 * local edit found while replacing a file), which is why one quiet round is not enough
 * and the folders are compared too. Bounded: a history that keeps moving is a failure.
 */

export interface QuiesceTarget {
  readonly devices: readonly HarnessDevice[];
  /** Restores the hub and starts every stopped app (with the harness's bookkeeping). */
  bringAllUp(): Promise<void>;
}

const MAX_ROUNDS = 8;

export async function quiesce(target: QuiesceTarget): Promise<number> {
  await target.bringAllUp();
  let previous: string | undefined;
  let errors: string[] = [];
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    errors = [];
    let moved = 0;
    for (const dev of target.devices) {
      const r = await dev.app['sync:run']({});
      if (r.error !== null) errors.push(`${dev.name}: ${r.error}`);
      moved += r.sent + r.received + r.held;
      moved += r.scanned.created + r.scanned.updated + r.scanned.deleted;
    }
    const folders = target.devices.map((d) => shape(d.root)).join('\n');
    if (moved === 0 && errors.length === 0 && folders === previous) return round;
    previous = folders;
  }
  throw new Error(
    `devices still syncing after ${MAX_ROUNDS} rounds${errors.length > 0 ? `; last errors: ${errors.join('; ')}` : ''}`,
  );
}

/** A folder's every entry (full modes: any change counts as movement). */
function shape(root: string): string {
  return [...readTree(root)].map(([p, e]) => `${p} ${entryKey(e, true)}`).join('\n');
}
