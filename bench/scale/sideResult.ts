/** What the scale section measures of one product on one tree (both products alike). */
import type { QuietWait } from './quiet.js';

/** One device of a side (or NetGuardian's hub): every process it runs, read from /proc. */
export interface GroupFigures {
  readonly name: string;
  /** Highest PSS sum sampled during the initial sync, bytes. */
  readonly peakBytes: number;
  /** PSS sum 30 s after B was complete, bytes. */
  readonly idleBytes: number;
  /** inotify watches held after the sync. */
  readonly watches: number;
  /** On disk: the device's store (NetGuardian: its data dir; Syncthing: its index database). */
  readonly storeBytes: number;
}

export interface SideResult {
  /** From starting A on its full folder until B held every file at its size. */
  readonly syncMs: number;
  /** Compared files (all at 10k, a sample above) and how many differed. */
  readonly compared: number;
  readonly differing: number;
  /** Rescans of the unchanged tree, each a wall time in ms. */
  readonly rescanMs: readonly number[];
  /** The two devices, A then B. */
  readonly devices: readonly GroupFigures[];
  /** NetGuardian's hub process (a third machine in real use): informational. */
  readonly hub?: GroupFigures;
  /** The wait for a quiet machine before the timed sync. */
  readonly quiet: QuietWait;
}

export const IDLE_AFTER_MS = 30_000;
export const RESCAN_RUNS = 3;

/** The larger of the two devices: what one machine of the pair costs. */
export const worstDevice = (side: SideResult, pick: (g: GroupFigures) => number) =>
  Math.max(...side.devices.map(pick));
