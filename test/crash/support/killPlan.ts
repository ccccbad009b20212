/**
 * Where the crash test kills, drawn from the seed before anything runs: per round the phase, the
 * device whose folder gets the round's files (the writer), and how long after the phase's marker
 * the kill comes. Printed whole, so a failure names its kill point and replays from the seed.
 */
import type { Prng } from '../../convergence/prng.js';

export type Phase = 'scan' | 'push' | 'pull' | 'materialize';
export const PHASES: readonly Phase[] = ['scan', 'push', 'pull', 'materialize'];

export interface KillPoint {
  readonly round: number;
  readonly phase: Phase;
  /** The device (0 or 1) whose folder gets the round's files. */
  readonly writer: 0 | 1;
  /** After the phase's marker (see `markerOf`). */
  readonly delayMs: number;
  /** materialize: sightings of a temp file in the victim's folder before the kill. */
  readonly sightings: number;
  /** The other device changes some of the same files at the same time. */
  readonly concurrent: boolean;
  /**
   * Once per run: the killed owner's server is left for the restarted daemon to stop (and the
   * test checks it did), rather than the test opening the store first.
   */
  readonly orphanCheck: boolean;
}

/** The scan and the push are the writer's, pull and materialize the receiver's. */
export const victimOf = (p: KillPoint): 0 | 1 =>
  p.phase === 'scan' || p.phase === 'push' ? p.writer : p.writer === 0 ? 1 : 0;

/** What the delay counts from. */
export function markerOf(phase: Phase): string {
  switch (phase) {
    case 'scan':
      return "the writer's daemon listening on its control channel (its first scan starts)";
    case 'push':
      return "the round's first chunk on the hub (the writer uploading)";
    case 'pull':
      return "the round's last event on the hub (the receiver pulling)";
    case 'materialize':
      return "a temp file seen in the receiver's folder";
    default: {
      const never: never = phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
}

/** Delay ranges (ms): the phase's usual length on a 2-core machine, from its marker. */
const DELAYS: Readonly<Record<Phase, readonly [number, number]>> = {
  scan: [0, 350],
  push: [0, 60],
  pull: [0, 200],
  materialize: [0, 0],
};

/** `rounds` kill points, each phase equally often (in seeded order), one orphan check. */
export function planKills(rng: Prng, rounds: number): KillPoint[] {
  const phases = Array.from({ length: rounds }, (_, i) => PHASES[i % PHASES.length] as Phase);
  for (let i = phases.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [phases[i], phases[j]] = [phases[j] as Phase, phases[i] as Phase];
  }
  const orphanRound = rng.int(0, rounds - 1);
  return phases.map((phase, round) => {
    const [lo, hi] = DELAYS[phase];
    return {
      round,
      phase,
      writer: rng.chance(0.5) ? 0 : 1,
      delayMs: rng.int(lo, hi),
      sightings: phase === 'materialize' ? rng.int(1, 4) : 0,
      concurrent: rng.chance(0.5),
      orphanCheck: round === orphanRound,
    };
  });
}

export function describeKill(p: KillPoint, names: readonly [string, string]): string {
  const when =
    p.phase === 'materialize'
      ? `after ${p.sightings} sighting(s) of ${markerOf(p.phase)}`
      : `${p.delayMs} ms after ${markerOf(p.phase)}`;
  return `round ${p.round}: kill ${names[victimOf(p)]} in ${p.phase} (writer ${names[p.writer]}${p.concurrent ? ', concurrent edits' : ''}${p.orphanCheck ? ', orphan check' : ''}), ${when}`;
}
