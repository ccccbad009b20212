import type { Logger } from '../log.js';
import type { ConnectionLimitOptions, Shed } from './connectionLimits.js';

/** A flood sheds a connection per attempt: say so once a minute at most, with the count since. */
export const SHED_LOG_INTERVAL_MS = 60_000;

/**
 * The warning for connections the limits closed or refused, in words a user can act on. A
 * stranger closed for not showing the token in time is ordinary (a browser's spare connection)
 * and is not reported.
 */
export function shedLog(
  log: Logger,
  limits: ConnectionLimitOptions,
  now: () => number = Date.now,
): (what: Shed) => void {
  let evicted = 0;
  let refused = 0;
  let lastAt = -Infinity;
  return (what) => {
    if (what === 'expired') return;
    if (what === 'evicted') evicted += 1;
    else refused += 1;
    if (now() - lastAt < SHED_LOG_INTERVAL_MS) return;
    lastAt = now();
    if (evicted > 0)
      log.warn(
        { evicted, maxUnauthenticated: limits.maxUnauthenticated },
        `The web interface is receiving more connections without its access token than it keeps ` +
          `(${limits.maxUnauthenticated}); it closed ${evicted} of them, oldest first. Something ` +
          `that can reach its port may be flooding it; the interface keeps working.`,
      );
    if (refused > 0)
      log.warn(
        { refused, maxConnections: limits.maxConnections },
        `The web interface already holds its maximum of ${limits.maxConnections} connections, ` +
          `all with its access token; it refused ${refused} more. Close unused browser tabs of ` +
          `the interface.`,
      );
    evicted = 0;
    refused = 0;
  };
}
