/**
 * The bounds that keep one misbehaving or stuck client from costing the owner
 * more than a little memory, or from holding it: every one of them is checked
 * in connection.ts / server.ts and exercised in the tests.
 */
export interface ControlLimits {
  /** Longest line the owner reads (a request; an upload's header). Over it: error, close. */
  readonly maxLineBytes: number;
  /** Open connections at once; one more is answered "busy" and closed. */
  readonly maxConnections: number;
  /** Requests of one connection running at once; further lines wait (the socket is not read). */
  readonly maxInFlight: number;
  /**
   * Bytes queued to a client that does not read: above this, the owner stops reading its
   * requests and holds back its pushes (keeping only the latest of each kind, pushGate.ts).
   */
  readonly maxUnsentBytes: number;
  /** A connection with nothing happening for this long is closed (see `idleVerdict`). */
  readonly idleMs: number;
  /** After an error that ends a connection, how long its remaining input is read and dropped. */
  readonly lingerMs: number;
}

export const DEFAULT_LIMITS: ControlLimits = {
  maxLineBytes: 1024 * 1024,
  maxConnections: 64,
  maxInFlight: 32,
  maxUnsentBytes: 1024 * 1024,
  idleMs: 60_000,
  lingerMs: 2_000,
};

/** What a connection is doing when its idle timer fires (no bytes in or out for `idleMs`). */
export interface ConnectionActivity {
  /** The owner is waiting for bytes from the client (a next line, more of an upload). */
  readonly waitingForClient: boolean;
  /** The client has sent part of a line, or part of an upload's bytes. */
  readonly partial: boolean;
  /** Requests whose handlers are still running on the owner's side. */
  readonly inFlight: number;
  readonly subscribed: boolean;
  /** Bytes queued for the client that it has not read. */
  readonly unsentBytes: number;
}

/**
 * Close a connection when the client is the one holding things up: it has not read what
 * it was sent, or it stopped half-way through a message or upload, or it is simply idle.
 * Keep it while the owner's own handlers are working, and keep a quiet subscriber (it
 * waits for pushes, which may not come for hours; the kernel tells us when it dies).
 */
export function idleVerdict(activity: ConnectionActivity): 'close' | 'keep' {
  if (activity.unsentBytes > 0) return 'close';
  if (!activity.waitingForClient) return 'keep';
  if (activity.partial) return 'close';
  if (activity.inFlight > 0) return 'keep';
  return activity.subscribed ? 'keep' : 'close';
}
