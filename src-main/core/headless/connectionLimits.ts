/**
 * Who holds the headless server's connections, and how many. Anyone who can reach the port can
 * open a connection, but only a token holder (the user's browser, the CLI) has a reason to keep
 * one: a connection that has not shown the token within `authenticateWithinMs` is closed, such
 * strangers together may hold only `maxUnauthenticated` connections (a newcomer closes the oldest
 * of them: a page load or a token holder arriving during a flood still gets in, and a flood can
 * only churn its own connections), and all connections together are capped at `maxConnections`
 * (a newcomer that would exceed it closes the oldest stranger, and is refused when there is
 * none). So the descriptors the server holds stay bounded whatever is thrown at it.
 *
 * A connection counts as authenticated once a request on it passed the token check (an upload)
 * or its WebSocket upgrade was accepted (`authenticated`). Static files need no token; the
 * connections that only fetch them stay strangers and are closed on time (a browser opens
 * another one for its next request).
 */

export interface ConnectionLimitOptions {
  /** Connections open at once, token holders and strangers together. */
  readonly maxConnections: number;
  /** Connections that have not shown the token yet. */
  readonly maxUnauthenticated: number;
  /** A connection that shows no token within this long is closed. */
  readonly authenticateWithinMs: number;
}

/** The parts of a socket the limits use (a net.Socket; a stub in unit tests). */
export interface LimitedSocket {
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
}

/** Why a connection was closed or turned away by the limits. */
export type Shed =
  /** A stranger closed to make room for a newcomer (a cap was reached). */
  | 'evicted'
  /** A newcomer turned away: every connection is a token holder's and the cap is reached. */
  | 'refused'
  /** A stranger that did not show the token in time. */
  | 'expired';

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class ConnectionLimits<S extends LimitedSocket = LimitedSocket> {
  /** Strangers and their deadline timers, oldest first (a Map iterates in insertion order). */
  private readonly strangers = new Map<S, unknown>();
  private readonly holders = new Set<S>();

  constructor(
    private readonly options: ConnectionLimitOptions,
    private readonly onShed: (what: Shed) => void = () => undefined,
    private readonly timers: Timers = realTimers,
  ) {}

  /** A new connection: false when it must be refused (the caller closes it). */
  admit(socket: S): boolean {
    if (
      this.open >= this.options.maxConnections ||
      this.strangers.size >= this.options.maxUnauthenticated
    ) {
      // One eviction makes room under both caps: the evicted stranger counted in each.
      const oldest = this.strangers.keys().next();
      if (oldest.done === true) {
        this.onShed('refused');
        return false;
      }
      this.close(oldest.value, 'evicted');
    }
    const timer = this.timers.set(() => {
      if (this.strangers.has(socket)) this.close(socket, 'expired');
    }, this.options.authenticateWithinMs);
    this.strangers.set(socket, timer);
    socket.once('close', () => this.forget(socket));
    return true;
  }

  /** The connection showed the token: it is no longer closed on time nor counted as a stranger. */
  authenticated(socket: S): void {
    if (!this.strangers.has(socket)) return;
    this.timers.clear(this.strangers.get(socket));
    this.strangers.delete(socket);
    this.holders.add(socket);
  }

  get open(): number {
    return this.strangers.size + this.holders.size;
  }

  get unauthenticated(): number {
    return this.strangers.size;
  }

  closeAll(): void {
    for (const socket of [...this.strangers.keys(), ...this.holders]) {
      this.forget(socket);
      socket.destroy();
    }
  }

  private close(socket: S, why: Shed): void {
    // Forgotten at once, not on 'close' (which comes later): the newcomer takes its place now.
    this.forget(socket);
    socket.destroy();
    this.onShed(why);
  }

  private forget(socket: S): void {
    if (this.strangers.has(socket)) {
      this.timers.clear(this.strangers.get(socket));
      this.strangers.delete(socket);
    }
    this.holders.delete(socket);
  }
}
