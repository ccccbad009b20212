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
 */
export class LiveStreams {
  private readonly bySpace = new Map<string, Set<LiveStream>>();
  private readonly pinger: NodeJS.Timeout;

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

  /** Tells the devices of `spaceId`, and only them, that it has new events. */
  announce(spaceId: string): void {
    for (const entry of this.bySpace.get(spaceId) ?? []) send(entry.stream, { type: 'events' });
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
