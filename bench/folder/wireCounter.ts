/**
 * A loopback TCP relay in front of a hub that counts the bytes devices send it and receive from
 * it: what crosses the wire, TLS and HTTP/2 or PostgreSQL's protocol included. It forwards bytes
 * untouched, so the hub's certificate (pinned by the device) and PostgreSQL's authentication pass
 * through as they are. Set beside the chunk bytes a device uploaded, it shows how chunks travel:
 * about 1× as binary, ~1.33× as base64, ~2× as hex text.
 */
import net from 'node:net';

export interface WireBytes {
  /** Device → hub. */
  readonly up: number;
  /** Hub → device. */
  readonly down: number;
}

export class WireCounter {
  private up = 0;
  private down = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server) {}

  /** Listens on a free loopback port and relays every connection to `target`. */
  static async start(target: {
    readonly host: string;
    readonly port: number;
  }): Promise<WireCounter> {
    const server = net.createServer();
    const counter = new WireCounter(server);
    server.on('connection', (client) => counter.relay(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return counter;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Bytes relayed so far, each way. */
  bytes(): WireBytes {
    return { up: this.up, down: this.down };
  }

  private relay(client: net.Socket, target: { host: string; port: number }): void {
    const hub = net.connect(target.port, target.host);
    for (const s of [client, hub]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.once('close', () => this.sockets.delete(s));
      // Either side failing ends both, as a cut connection would.
      s.once('error', () => {
        client.destroy();
        hub.destroy();
      });
    }
    client.on('data', (b: Buffer) => (this.up += b.length));
    hub.on('data', (b: Buffer) => (this.down += b.length));
    client.pipe(hub);
    hub.pipe(client);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

/** `after - before`, each way. */
export const wireSince = (before: WireBytes, after: WireBytes): WireBytes => ({
  up: after.up - before.up,
  down: after.down - before.down,
});
