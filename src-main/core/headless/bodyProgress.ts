/**
 * A request body that must keep moving. Each chunk must arrive within `idleMs` of being asked
 * for; only the time spent waiting on the peer counts (not the time the consumer spends writing
 * what came, during which the peer is held back by TCP anyway). So a slow but moving upload
 * completes however long it takes in total, and one that stops ends with `BodyStalled`.
 *
 * After a stall the source is left as it is, its pending read still waiting: the caller closes
 * the connection, which ends that read (its error is ignored here).
 */

export class BodyStalled extends Error {
  constructor(readonly idleMs: number) {
    super(`no data arrived for ${idleMs / 1000} s`);
    this.name = 'BodyStalled';
  }
}

export async function* untilStalled<T>(
  source: AsyncIterable<T>,
  idleMs: number,
): AsyncGenerator<T, void, undefined> {
  const chunks = source[Symbol.asyncIterator]();
  let waiting: Promise<IteratorResult<T>> | undefined;
  try {
    for (;;) {
      waiting = chunks.next();
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<'stalled'>((resolve) => {
        timer = setTimeout(() => resolve('stalled'), idleMs);
      });
      const step = await Promise.race([waiting, stalled]).finally(() => clearTimeout(timer));
      if (step === 'stalled') throw new BodyStalled(idleMs);
      waiting = undefined;
      if (step.done === true) return;
      yield step.value;
    }
  } finally {
    // A read still pending can't be cancelled (an async iterator queues `return` behind it);
    // the connection's close settles it.
    if (waiting !== undefined) waiting.catch(() => undefined);
    else await chunks.return?.();
  }
}
