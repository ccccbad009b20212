import type { Logger } from '../log.js';
import type { Unlisten } from '../store/sqlClient.js';

/** Waits between attempts to listen again after the listening connection died: doubling, capped. */
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

/** Starts listening; `onLost` is called once if the listening connection dies afterwards. */
export type StartListening = (onLost: (error: Error) => void) => Promise<Unlisten>;

/**
 * A PostgreSQL LISTEN that outlives its connection: when the connection dies (a restarted server,
 * a cut network), it listens again, after 0.5 s, 1 s, … at most 30 s between attempts, until it
 * is stopped. Notifications sent while nothing listened are lost, so `onRestored` is called once
 * listening again (the hub tells its live streams to ask again: a notice is only "ask again").
 *
 * Another hub process's pushes reach this process's devices only through this channel, so a
 * channel given up would leave them waiting for their next periodic sync.
 */
export async function listenSteadily(
  start: StartListening,
  onRestored: () => void,
  log: Logger,
  what: string,
): Promise<Unlisten> {
  let stopped = false;
  let current: Unlisten | undefined;
  let timer: NodeJS.Timeout | undefined;
  const lost = (error: Error) => {
    current = undefined;
    if (stopped) return;
    log.warn(
      { error: error.message, channel: what },
      'lost a notification channel: listening again',
    );
    retry(FIRST_RETRY_MS);
  };
  const retry = (waitMs: number) => {
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      start(lost).then(
        (unlisten) => {
          if (stopped) {
            void unlisten().catch(() => undefined);
            return;
          }
          current = unlisten;
          log.info({ channel: what }, 'listening again');
          onRestored();
        },
        (e: unknown) => {
          log.warn(
            { error: e instanceof Error ? e.message : String(e), channel: what, retryMs: waitMs },
            'could not listen again yet',
          );
          retry(Math.min(waitMs * 2, LAST_RETRY_MS));
        },
      );
    }, waitMs);
    timer.unref();
  };
  current = await start(lost);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await current?.();
  };
}
