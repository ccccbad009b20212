import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Gives the event loop a turn after every `sliceMs` of work. Loops over many files whose file
 * system calls are synchronous (see files/localIo.ts) and whose database calls resolve as
 * microtasks (PGlite) would otherwise hold the loop for a whole scan: the push of the batches
 * already recorded, the hub's replies and the UI's requests would all wait for the end.
 */
export class EventLoopTurns {
  private last = performance.now();

  constructor(private readonly sliceMs = 10) {}

  /** Resolves at once within a slice; after the next turn of the event loop otherwise. */
  async take(): Promise<void> {
    if (performance.now() - this.last < this.sliceMs) return;
    await nextTurn();
    this.last = performance.now();
  }
}
