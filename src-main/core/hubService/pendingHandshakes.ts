import type { Socket } from 'node:net';

interface Pending {
  readonly socket: Socket;
  readonly address: string;
}

/**
 * The hub's TCP connections that have not finished their TLS handshake, at most `max` at once.
 * A new connection past it closes the oldest pending one of the address holding the most, so
 * sockets that never start TLS (each held until the handshake timeout) can't take every slot:
 * a device's handshake finishes moments after it connects, so it gets through. Once a handshake
 * finishes, the connection is a session and `SessionLimits` counts it.
 */
export class PendingHandshakes {
  /** By `address|port`, in the order they came. */
  private readonly pending = new Map<string, Pending>();
  private readonly perAddress = new Map<string, number>();
  /** Each pending socket's key as taken when it opened (a closed socket may no longer say). */
  private readonly keys = new WeakMap<Socket, string>();

  constructor(private readonly max: number) {}

  /** A new TCP connection (the server's 'connection' event). */
  opened(socket: Socket): void {
    if (this.pending.size >= this.max) {
      const evicted = this.oldestOfBiggestHolder();
      if (evicted) {
        this.remove(evicted);
        evicted.destroy();
      }
    }
    const address = socket.remoteAddress ?? 'unknown';
    const key = keyOf(socket);
    this.keys.set(socket, key);
    this.pending.set(key, { socket, address });
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    socket.once('close', () => this.remove(socket));
  }

  /** Its TLS handshake finished (the server's 'secureConnection' event: the TLS socket over it). */
  secured(tlsSocket: Socket): void {
    const entry = this.pending.get(keyOf(tlsSocket));
    if (entry) this.remove(entry.socket);
  }

  get size(): number {
    return this.pending.size;
  }

  private remove(socket: Socket): void {
    const key = this.keys.get(socket);
    const entry = key === undefined ? undefined : this.pending.get(key);
    if (key === undefined || entry?.socket !== socket) return;
    this.pending.delete(key);
    const left = (this.perAddress.get(entry.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(entry.address, left);
    else this.perAddress.delete(entry.address);
  }

  private oldestOfBiggestHolder(): Socket | undefined {
    let biggest: string | undefined;
    let most = 0;
    for (const [address, n] of this.perAddress) if (n > most) [biggest, most] = [address, n];
    for (const entry of this.pending.values()) if (entry.address === biggest) return entry.socket;
    return undefined;
  }
}

/** The peer's address and port: the same on the TCP socket and on the TLS socket over it. */
const keyOf = (socket: Socket): string =>
  `${socket.remoteAddress ?? '?'}|${socket.remotePort ?? '?'}`;
