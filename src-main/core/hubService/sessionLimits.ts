import type { ServerHttp2Session } from 'node:http2';
import type { DeviceIdentity } from './deviceIdentity.js';

export interface SessionLimitOptions {
  /** Connections open at once, all devices and strangers together. */
  readonly maxSessions: number;
  /** Connections that have not yet shown a valid credential. */
  readonly maxUnauthenticated: number;
  /** Connections one device may hold at once. */
  readonly maxPerDevice: number;
  /** A connection that shows no valid credential within this long is closed. */
  readonly authenticateWithinMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimitOptions = {
  maxSessions: 1_000,
  maxUnauthenticated: 64,
  maxPerDevice: 4,
  authenticateWithinMs: 10_000,
};

interface SessionState {
  keyId: string | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The peer's address (strangers are counted by it). */
  address: string;
}

/**
 * Who holds the hub's connections, and how many: a stranger's connection is closed unless it
 * shows a credential within a few seconds, strangers together may hold only a few, and each
 * device a few of its own, so no one can take the connections (and file descriptors) the other
 * devices need. A revoked device's connections are closed at once (`closeDevice`).
 */
export class SessionLimits {
  private readonly sessions = new Map<ServerHttp2Session, SessionState>();
  private readonly byKey = new Map<string, Set<ServerHttp2Session>>();
  private readonly strangersAt = new Map<string, number>();
  private unauthenticated = 0;

  constructor(private readonly options: SessionLimitOptions) {}

  /** A new connection: false when it must be refused (the caller closes it). */
  admit(session: ServerHttp2Session): boolean {
    if (
      this.sessions.size >= this.options.maxSessions ||
      this.unauthenticated >= this.options.maxUnauthenticated
    ) {
      const evicted = this.oldestStrangerOfBiggestHolder();
      if (!evicted) return false;
      this.forget(evicted);
      evicted.destroy();
    }
    const address = session.socket?.remoteAddress ?? 'unknown';
    const state: SessionState = {
      keyId: undefined,
      timer: setTimeout(() => session.destroy(), this.options.authenticateWithinMs),
      address,
    };
    state.timer?.unref();
    this.sessions.set(session, state);
    this.unauthenticated += 1;
    this.strangersAt.set(address, (this.strangersAt.get(address) ?? 0) + 1);
    session.once('close', () => this.forget(session));
    return true;
  }

  /**
   * A request on `session` showed `identity`'s credential: `bound` when the session is (now)
   * this device's, `other-device` when another device's credential opened it, `full` when this
   * device already holds its share of connections.
   */
  bind(session: ServerHttp2Session, identity: DeviceIdentity): 'bound' | 'other-device' | 'full' {
    const state = this.sessions.get(session);
    if (!state) return 'full';
    if (state.keyId !== undefined) return state.keyId === identity.keyId ? 'bound' : 'other-device';
    const held = this.byKey.get(identity.keyId) ?? new Set();
    if (held.size >= this.options.maxPerDevice) return 'full';
    clearTimeout(state.timer);
    state.timer = undefined;
    state.keyId = identity.keyId;
    this.strangerLeft(state.address);
    held.add(session);
    this.byKey.set(identity.keyId, held);
    return 'bound';
  }

  /** A connection used only for pairing stays a stranger's: it is still closed on time. */
  get open(): number {
    return this.sessions.size;
  }

  get strangers(): number {
    return this.unauthenticated;
  }

  /** Closes every connection of a credential (revoked). */
  closeDevice(keyId: string): number {
    const held = [...(this.byKey.get(keyId) ?? [])];
    for (const session of held) session.destroy();
    return held.length;
  }

  closeAll(): void {
    for (const session of [...this.sessions.keys()]) session.destroy();
  }

  private forget(session: ServerHttp2Session): void {
    const state = this.sessions.get(session);
    if (!state) return;
    this.sessions.delete(session);
    clearTimeout(state.timer);
    if (state.keyId === undefined) this.strangerLeft(state.address);
    else {
      const held = this.byKey.get(state.keyId);
      held?.delete(session);
      if (held?.size === 0) this.byKey.delete(state.keyId);
    }
  }

  private strangerLeft(address: string): void {
    this.unauthenticated -= 1;
    const left = (this.strangersAt.get(address) ?? 1) - 1;
    if (left > 0) this.strangersAt.set(address, left);
    else this.strangersAt.delete(address);
  }

  /** The stranger to close for a newcomer (sessions iterate in the order they came). */
  private oldestStrangerOfBiggestHolder(): ServerHttp2Session | undefined {
    let biggest: string | undefined;
    let most = 0;
    for (const [address, n] of this.strangersAt) if (n > most) [biggest, most] = [address, n];
    if (biggest === undefined) return undefined;
    for (const [session, state] of this.sessions)
      if (state.keyId === undefined && state.address === biggest) return session;
    return undefined;
  }
}
