/**
 * One simulated device of the hub load test: the device side of the sync protocol and nothing
 * under it. It talks to the hub with the app's own client (HubConnection, HubPeer, HubChunks:
 * HTTP/2 over TLS, the hub's certificate pinned by fingerprint, the device credential from a
 * real pairing), but keeps no event store and no folder: a device's store is its own embedded
 * PostgreSQL server (or PGlite), and a hundred of either would measure the devices, not the hub.
 * What a device sends and reads is still what a real one does:
 *
 * - a change: the content's chunks (`chunks/missing`, then `chunks/put` of the missing ones),
 *   then one event (`events/push`) that names them, with the device's next seq, an HLC from a
 *   real clock and a version vector, checked by the hub like any device's event;
 * - on each notice of its live stream (`/v1/live`), and every `POLL_MS` in case a notice was
 *   missed: `events/pull` above its frontier until nothing is left, every row validated with the
 *   app's `parseEvent`, then `chunks/get` of the chunks of the other devices' events, each
 *   chunk's SHA-256 checked against its name.
 *
 * The change carries no send time: the sender records its event id and send time in the
 * Recorder, and each receiver records the event id with its arrival time.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HybridLogicalClock, encodeHlc } from '../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import { parseEvent } from '../../src-shared/events/eventSchema.js';
import { HubConnection } from '../../src-main/core/hubClient/hubConnection.js';
import { HubChunks, HubPeer } from '../../src-main/core/hubClient/hubPeer.js';
import type { ChunkInput } from '../../src-main/core/files/chunkStore.js';
import type { ChangeKind, Recorder } from './recorder.js';

export interface DeviceLink {
  readonly name: string;
  readonly nodeId: string;
  readonly spaceId: string;
  /** host:port of the hub process this device talks to. */
  readonly address: string;
  /** That process's certificate fingerprint (pinned). */
  readonly fingerprint: string;
  readonly credential: string;
}

/** A missed notice is caught up this long after at most (a real device's periodic sync). */
const POLL_MS = 5_000;
/** Rows asked for per pull. */
const PULL_PAGE = 500;
/** Pages one catch-up reads at most before it waits for the next notice again. */
const MAX_PAGES = 50;
/** The largest chunk a change sends (the app's chunker stays under it). */
export const MAX_CHUNK_BYTES = 2 * 1024 * 1024;

/** Random bytes the chunks are cut from (each made unique by a header), made once. */
let pool: Buffer | undefined;
const POOL_BYTES = 4 * 1024 * 1024;
function randomPool(): Buffer {
  if (!pool) {
    pool = Buffer.alloc(POOL_BYTES);
    for (let i = 0; i < POOL_BYTES; i += 65_536) pool.set(cryptoRandom(65_536), i);
  }
  return pool;
}
function cryptoRandom(n: number): Uint8Array {
  const out = new Uint8Array(n);
  crypto.getRandomValues(out);
  return out;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export class SimDevice {
  private readonly connection: HubConnection;
  private readonly peer: HubPeer;
  private readonly chunks: HubChunks;
  private readonly clock: HybridLogicalClock;
  private seq = 0;
  private chunkCount = 0;
  /** The device's files and how often it wrote each (its version vector entry). */
  private readonly files: { entityId: string; writes: number }[] = [];
  private readonly frontier: Record<string, number> = {};
  private dirty = true;
  private wake: (() => void) | undefined;
  private stopped = false;
  private unlisten: (() => Promise<void>) | undefined;
  private pulling: Promise<void> | undefined;
  /** Pulls done (for the report: how many answers the devices asked for). */
  pulls = 0;

  constructor(
    readonly link: DeviceLink,
    public recorder: Recorder,
    private readonly random: () => number,
  ) {
    this.connection = new HubConnection({
      address: link.address,
      fingerprint: link.fingerprint,
      credential: link.credential,
      connectTimeoutMs: 30_000,
      idleMs: 60_000,
    });
    this.peer = new HubPeer(this.connection, link.spaceId);
    this.chunks = new HubChunks(this.connection, link.spaceId);
    this.clock = new HybridLogicalClock({ nodeId: link.nodeId });
  }

  get nodeId(): string {
    return this.link.nodeId;
  }

  /** Opens the live stream and starts reading what the hub announces. */
  async start(): Promise<void> {
    // A live stream refused under load (a connection cut) is opened again, a few times at most.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.listen();
        break;
      } catch (e) {
        if (attempt >= 3)
          throw new Error(
            `${this.link.name} could not open its live stream: ${e instanceof Error ? e.message : String(e)}`,
            { cause: e },
          );
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.pulling = this.pullLoop();
  }

  private async listen(): Promise<void> {
    this.unlisten = await this.peer.listen(
      () => this.poke(),
      (e) => {
        if (this.stopped) return;
        this.recorder.noteFailure(new Error(`live stream lost: ${e.message}`));
        // Reopened as the app's live channel does; a pull catches up what was missed.
        setTimeout(() => {
          if (!this.stopped)
            this.listen().then(
              () => this.poke(),
              (err: unknown) => this.recorder.noteFailure(err),
            );
        }, 200).unref();
      },
    );
  }

  private poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  /** Sends one change of `kind` with `bytes` of content; resolves once the hub stored it. */
  async change(kind: ChangeKind, bytes: number): Promise<void> {
    const sentAt = performance.now();
    const { spaceId, nodeId } = this.link;
    let file = kind === 'edit' && this.files.length > 0 ? this.pickFile() : undefined;
    if (!file) {
      file = {
        entityId: `load/${nodeId}/file-${String(this.files.length).padStart(5, '0')}.bin`,
        writes: 0,
      };
      this.files.push(file);
    }
    const pieces = this.content(bytes);
    const hashes = pieces.map((c) => c.hash);
    const missing = new Set(await this.timed('missing', this.chunks.missing(spaceId, hashes)));
    const toPut = pieces.filter((c) => missing.has(c.hash));
    if (toPut.length > 0) await this.timed('put', this.chunks.put(spaceId, toPut));
    const hlc = this.clock.tick();
    const seq = this.seq + 1;
    const writes = file.writes + 1;
    const event: CrdtEvent = {
      eventId: randomUUID(),
      spaceId,
      entityId: file.entityId,
      kind: writes === 1 ? 'FileCreated' : 'FileUpdated',
      data: {
        content: {
          hash: contentHash(pieces),
          size: bytes,
          chunks: pieces.map((c) => ({ hash: c.hash, size: c.data.byteLength })),
        },
        fields: { mtime: hlc.wallMs },
      },
      timestamp: new Date(hlc.wallMs).toISOString(),
      hlc: encodeHlc(hlc),
      nodeId,
      seq,
      vectorClock: { [nodeId]: writes },
    };
    let answer;
    try {
      answer = await this.timed('push', this.peer.append([event]));
    } catch (e) {
      // The push may have been stored before the answer was lost: go on from what the hub holds.
      this.seq = await this.peer.maxSeq(spaceId, nodeId).catch(() => this.seq);
      throw e;
    }
    if (answer.inserted.length !== 1) {
      const why = answer.refused?.[0]?.message ?? `seq conflict at ${seq}`;
      this.seq = await this.peer.maxSeq(spaceId, nodeId);
      throw new Error(`the hub did not store a change of ${this.link.name}: ${why}`);
    }
    this.seq = seq;
    file.writes = writes;
    this.recorder.notePushed({
      eventId: event.eventId,
      spaceId,
      origin: nodeId,
      kind,
      bytes,
      sentAt,
      pushedAt: performance.now(),
    });
  }

  private async timed<T>(name: string, work: Promise<T>): Promise<T> {
    const t0 = performance.now();
    const out = await work;
    this.recorder.noteRequest(name, performance.now() - t0);
    return out;
  }

  private pickFile(): { entityId: string; writes: number } | undefined {
    return this.files[Math.floor(this.random() * this.files.length)];
  }

  /** `bytes` of fresh content in chunks of at most MAX_CHUNK_BYTES, each unique. */
  private content(bytes: number): ChunkInput[] {
    const source = randomPool();
    const out: ChunkInput[] = [];
    for (let at = 0; at < bytes || out.length === 0; at += MAX_CHUNK_BYTES) {
      const size = Math.max(64, Math.min(MAX_CHUNK_BYTES, bytes - at));
      const data = Buffer.alloc(size);
      const offset = Math.floor(this.random() * (POOL_BYTES - size));
      source.copy(data, 0, offset, offset + size);
      // Unique: the device, its chunk count and a random word (no two chunks share a hash).
      data.write(`${this.link.nodeId}:${++this.chunkCount}:${randomUUID()}`, 0, 'utf8');
      out.push({ hash: sha256(data), data });
    }
    return out;
  }

  /** Reads what the hub announces until stopped; a failed pull is counted and tried again. */
  private async pullLoop(): Promise<void> {
    while (!this.stopped) {
      await this.noticeOrPoll();
      if (this.stopped) break;
      try {
        await this.catchUp();
      } catch (e) {
        this.recorder.noteFailure(e);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private noticeOrPoll(): Promise<void> {
    if (this.dirty) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, POLL_MS);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  /**
   * Pulls everything above this device's frontier (pages of PULL_PAGE rows), then the chunks of
   * the other devices' changes, checked by hash. Resolves when a pull found nothing more and no
   * notice came in meanwhile. Public so a run can drain the devices at its end.
   */
  async catchUp(): Promise<void> {
    const { spaceId, nodeId } = this.link;
    for (let page = 0; page < MAX_PAGES; page++) {
      this.dirty = false;
      this.pulls += 1;
      const rows = await this.timed(
        'pull',
        this.peer.readAboveFrontier(spaceId, this.frontier, PULL_PAGE),
      );
      const theirs: CrdtEvent[] = [];
      for (const row of rows) {
        const parsed = parseEvent(row);
        if (!parsed.ok) {
          this.recorder.badEvents += 1;
          continue;
        }
        const e = parsed.value;
        this.frontier[e.nodeId] = Math.max(this.frontier[e.nodeId] ?? 0, e.seq);
        if (e.nodeId !== nodeId) theirs.push(e);
      }
      const hashes = theirs.flatMap((e) => e.data.content?.chunks?.map((c) => c.hash) ?? []);
      if (hashes.length > 0) {
        const got = await this.timed('get', this.chunks.getChunks(spaceId, hashes));
        for (const hash of hashes) {
          const data = got.get(hash);
          if (!data || sha256(data) !== hash) this.recorder.badChunks += 1;
          else this.recorder.pulledBytes += data.byteLength;
        }
      }
      const at = performance.now();
      for (const e of theirs) this.recorder.noteArrival(e.eventId, nodeId, at);
      if (rows.length < PULL_PAGE && !this.dirty) return;
    }
  }

  /** Stops reading and closes the connection (requests under way get a moment). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.unlisten?.().catch(() => undefined);
    await this.peer.close();
    await this.pulling;
  }
}

/** The content's hash: SHA-256 over its chunks' bytes in order. */
function contentHash(pieces: readonly ChunkInput[]): string {
  const h = createHash('sha256');
  for (const c of pieces) h.update(c.data);
  return h.digest('hex');
}
