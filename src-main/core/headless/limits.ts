import type { ConnectionLimitOptions } from './connectionLimits.js';

/**
 * Every limit of the headless server in one place. What they bound: the descriptors (and memory)
 * anyone who reaches the port can make the process hold, and how long a silent or stalled peer
 * keeps a connection. What they must never do: cut a token holder's slow but moving upload, so
 * no request has a total duration limit; progress is what is checked.
 */
export interface HeadlessLimits extends ConnectionLimitOptions {
  /** A request's headers must be complete within this long after its first byte. */
  readonly headersTimeoutMs: number;
  /** An idle connection between two requests is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /**
   * A connection (or an upload's body) that moves no byte for this long is closed. Counted from
   * the last byte, never from the start: progress, not total duration.
   */
  readonly idleMs: number;
}

export const DEFAULT_HEADLESS_LIMITS: HeadlessLimits = {
  // A browser opens at most 6 connections per host (HTTP/1.1) plus a WebSocket per tab; a dozen
  // tabs and the CLI stay far below 128, and 128 descriptors are far below the usual open-file
  // limit (1,024): 19,950 idle connections once took `serve` to 20,000 and uploads then failed.
  maxConnections: 128,
  // Strangers only fetch the page and its assets (public files) before they show the token: a
  // few browsers' page loads at once. The rest of `maxConnections` stays for token holders.
  maxUnauthenticated: 32,
  // A browser sends its request as soon as it connects, on loopback or a LAN within
  // milliseconds; a connection that has shown nothing after 10 s is not a browser at work.
  // (The hub gives a stranger the same 10 s, docs/ARCHITECTURE.md section 11.)
  authenticateWithinMs: 10_000,
  // Headers arrive in one packet; Node's default of 60 s lets a trickled header hold a
  // connection for a minute.
  headersTimeoutMs: 10_000,
  // Node's default, said out loud: a browser reuses an idle connection within seconds or not at
  // all.
  keepAliveTimeoutMs: 5_000,
  // A 10 GB upload at 1 MiB/s takes 2 h 50 min and never pauses for a minute; a peer that sends
  // nothing for 60 s has gone (the hub closes a stream idle this long, too).
  idleMs: 60_000,
};

/**
 * How often Node looks for requests past `headersTimeoutMs` (its default is every 30 s, which
 * would let a trickled header live 40 s): four times per timeout, at most once a second.
 */
export const headersCheckIntervalMs = (limits: HeadlessLimits): number =>
  Math.max(10, Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 4)));
