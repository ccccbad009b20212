import type { ServerHttp2Stream } from 'node:http2';
import { LIVE_PING_MS, type LiveMessage } from '../../../src-shared/hubProtocol/protocol.js';
import type { DeviceIdentity } from './deviceIdentity.js';

interface LiveStream {
  readonly identity: DeviceIdentity;
  readonly stream: ServerHttp2Stream;
}

/**
 * The open live streams, by space. A notice of new events goes to the streams of that space
 * only; each stream is pinged every `LIVE_PING_MS` (a dead connection shows on both sides), and
 * each ping renews the device's presence (`onPresence`), which ends when the stream closes.
 *
 * Notices come from PostgreSQL (every hub process of the hub hears every append), often several
 * for one space in a row (a device's sync pushes batch after batch): the notices of a space that
 * arrive before the next turn of the event loop go out as one, so a stream gets at most one
 * notice per space per turn however many come in.
 */
export class LiveStreams {
  private readonly bySpace = new Map<string, Set<LiveStream>>();
  private readonly pinger: NodeJS.Timeout;
  private readonly pending = new Set<string>();
  private flushing: NodeJS.Immediate | undefined;

  constructor(
    private readonly onPresence: (identity: DeviceIdentity, live: boolean) => void,
    pingMs = LIVE_PING_MS,
  ) {
    this.pinger = setInterval(() => this.pingAll(), pingMs);
    this.pinger.unref();
  }

  /** Keeps `stream` until it closes; the device counts as online meanwhile. */
  add(identity: DeviceIdentity, stream: ServerHttp2Stream): void {
    const entry: LiveStream = { identity, stream };
    let set = this.bySpace.get(identity.spaceId);
    if (!set) this.bySpace.set(identity.spaceId, (set = new Set()));
    set.add(entry);
    this.onPresence(identity, true);
    stream.once('close', () => {
      set.delete(entry);
      if (set.size === 0) this.bySpace.delete(identity.spaceId);
      this.onPresence(identity, false);
    });
  }

  /** Tells the devices of `spaceId`, and only them, that it has new events (see above). */
  announce(spaceId: string): void {
    if (!this.bySpace.has(spaceId)) return;
    this.pending.add(spaceId);
    this.flushing ??= setImmediate(() => {
      this.flushing = undefined;
      const spaces = [...this.pending];
      this.pending.clear();
      for (const space of spaces)
        for (const entry of this.bySpace.get(space) ?? []) send(entry.stream, { type: 'events' });
    });
  }

  /** Tells every open stream to ask again (notices may have been missed). */
  announceAll(): void {
    for (const spaceId of this.bySpace.keys()) this.announce(spaceId);
  }

  /** Open live streams (for tests and status). */
  get size(): number {
    let n = 0;
    for (const set of this.bySpace.values()) n += set.size;
    return n;
  }

  private pingAll(): void {
    for (const set of this.bySpace.values())
      for (const entry of set) {
        send(entry.stream, { type: 'ping' });
        this.onPresence(entry.identity, true);
      }
  }

  close(): void {
    clearInterval(this.pinger);
    if (this.flushing) clearImmediate(this.flushing);
    this.pending.clear();
    for (const set of this.bySpace.values()) for (const entry of set) entry.stream.close();
    this.bySpace.clear();
  }
}

/**
 * One message as one NDJSON line. A live stream whose reader stopped reading (its window full)
 * gets no more: a notice is only "ask again", and a device that reads again will.
 */
function send(stream: ServerHttp2Stream, message: LiveMessage): void {
  if (stream.destroyed || stream.closed || stream.writableNeedDrain) return;
  stream.write(JSON.stringify(message) + '\n');
}
