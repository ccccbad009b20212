import { StringDecoder } from 'node:string_decoder';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { toWire } from '../../../src-shared/events/eventSchema.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { ChunkFrameReader, frameHeader } from '../../../src-shared/hubProtocol/chunkFrames.js';
import {
  LIMITS,
  MAX_SNAPSHOT_ROWS,
  ROUTES,
  countAnswerSchema,
  frontierAnswerSchema,
  liveMessageSchema,
  ownAtAnswerSchema,
  ownMaxAnswerSchema,
  pullTrailerSchema,
  pushAnswerSchema,
  putChunksAnswerSchema,
  chunkHashesSchema,
} from '../../../src-shared/hubProtocol/protocol.js';
import type { ChunkInput, ChunkStore } from '../files/chunkStore.js';
import type { EventRow } from '../store/eventRows.js';
import type { Frontier } from '../store/eventStore.js';
import type { Unlisten } from '../store/sqlClient.js';
import type { PeerAppendResult, SyncPeer } from '../sync/syncPeer.js';
import { JsonText, hubError, readAll, type HubConnection } from './hubConnection.js';

/** Bytes of events per push request, well under the hub's body limit. */
const PUSH_BYTES = 4 * 1024 * 1024;
/** Bytes of chunks per put request. */
const PUT_BYTES = 16 * 1024 * 1024;

/**
 * The hub as a sync peer, over the service's protocol. The device's space is the one its
 * credential belongs to: the `spaceId` arguments of `SyncPeer` are checked against it, never sent.
 */
export class HubPeer implements SyncPeer {
  readonly acceptsOwnEventsOnly = true;

  constructor(
    private readonly connection: HubConnection,
    private readonly spaceId: string,
  ) {}

  get description(): string {
    return `hub ${this.connection.address}`;
  }

  async getFrontier(spaceId: string): Promise<Frontier> {
    this.checkSpace(spaceId);
    return (await this.connection.json('GET', ROUTES.frontier, frontierAnswerSchema)).frontier;
  }

  async compactedThrough(spaceId: string): Promise<Frontier> {
    this.checkSpace(spaceId);
    return (
      (await this.connection.json('GET', ROUTES.frontier, frontierAnswerSchema)).compacted ?? {}
    );
  }

  /** A page of the hub's entity states; one answer may be cut at a byte bound (fewer rows). */
  async readSnapshotStates(
    spaceId: string,
    afterEntityId: string,
    limit: number,
  ): Promise<unknown[]> {
    this.checkSpace(spaceId);
    const answer = await this.readRows(ROUTES.snapshots, {
      after: afterEntityId,
      limit: Math.min(limit, MAX_SNAPSHOT_ROWS),
    });
    return answer.rows;
  }

  async countAboveFrontier(spaceId: string, frontier: Frontier): Promise<number> {
    this.checkSpace(spaceId);
    return (await this.connection.json('POST', ROUTES.count, countAnswerSchema, { frontier }))
      .count;
  }

  /**
   * Up to `limit` rows above `frontier`. The hub cuts an answer at a byte bound; the rest is
   * asked for again from the frontier the rows so far reach.
   */
  async readAboveFrontier(spaceId: string, frontier: Frontier, limit: number): Promise<EventRow[]> {
    this.checkSpace(spaceId);
    const cursor: Record<string, number> = { ...frontier };
    const rows: EventRow[] = [];
    for (let asks = 0; rows.length < limit && asks < 1_000; asks++) {
      const wanted = Math.min(limit - rows.length, LIMITS.maxPullRows);
      const answer = await this.readRows(ROUTES.pull, { frontier: cursor, limit: wanted });
      rows.push(...answer.rows);
      for (const r of answer.rows) {
        const node = (r as { node_id?: unknown }).node_id;
        const seq = Number((r as { seq?: unknown }).seq);
        if (typeof node === 'string' && Number.isSafeInteger(seq))
          cursor[node] = Math.max(cursor[node] ?? 0, seq);
      }
      if (!answer.more || answer.rows.length === 0) break;
    }
    return rows;
  }

  async append(events: readonly CrdtEvent[]): Promise<PeerAppendResult> {
    const inserted: { eventId: string }[] = [];
    const seqConflicts: { nodeId: string; seq: number }[] = [];
    const refused: NonNullable<PeerAppendResult['refused']>[number][] = [];
    // Each event serialized once: its text both sizes the request and goes in it.
    const texts = events.map((e) => JSON.stringify(toWire(e)));
    for (const part of byBytes(texts, PUSH_BYTES, (t) => t.length)) {
      const answer = await this.connection.json(
        'POST',
        ROUTES.push,
        pushAnswerSchema,
        new JsonText(`{"events":[${part.join(',')}]}`),
      );
      inserted.push(...answer.inserted.map((eventId) => ({ eventId })));
      seqConflicts.push(...answer.seqConflicts);
      refused.push(
        ...answer.refused.map((r) => ({
          eventId: r.eventId,
          code: r.code,
          message: r.message,
          ...(r.field === undefined ? {} : { field: r.field }),
        })),
      );
      // Later parts would only leave a gap after a refused one.
      if (answer.refused.length > 0 || answer.seqConflicts.length > 0) break;
    }
    return { inserted, seqConflicts, refused };
  }

  /**
   * Opens the live stream: `onEvents` on each notice of new events, `onLost` once when it ends.
   * While it is open the hub counts this device as online.
   */
  async listen(
    onEvents: (spaceId: string) => void,
    onLost?: (error: Error) => void,
  ): Promise<Unlisten> {
    const response = await this.connection.request('GET', ROUTES.live);
    if (response.status !== 200)
      throw hubError(response.status, JSON.parse(await readAll(response.body)));
    const body = response.body;
    let stopped = false;
    const lost = (e?: Error) => {
      if (stopped) return;
      stopped = true;
      onLost?.(e ?? new Error('the hub closed the live channel'));
    };
    // Read in a loop of our own: a cut connection ends it with an error here (readline would
    // re-emit the stream's error where no one hears it: an uncaught exception, a crashed daemon,
    // and `onLost` never called, so the engine would not reopen the channel).
    void (async () => {
      try {
        for await (const line of ndjsonLines(body)) {
          const message = liveMessageSchema.safeParse(safeJson(line));
          if (message.success && message.data.type === 'events') onEvents(this.spaceId);
        }
        lost();
      } catch (e) {
        lost(e instanceof Error ? e : new Error(String(e)));
      }
    })();
    return () => {
      stopped = true;
      body.close();
      return Promise.resolve();
    };
  }

  async maxSeq(spaceId: string, nodeId: string): Promise<number> {
    this.checkSpace(spaceId);
    void nodeId;
    return (await this.connection.json('GET', ROUTES.ownMax, ownMaxAnswerSchema)).maxSeq;
  }

  async eventIdAt(spaceId: string, nodeId: string, seq: number): Promise<string | undefined> {
    this.checkSpace(spaceId);
    void nodeId;
    const answer = await this.connection.json('POST', ROUTES.ownAt, ownAtAnswerSchema, { seq });
    return answer.eventId ?? undefined;
  }

  async readOriginAbove(
    spaceId: string,
    nodeId: string,
    afterSeq: number,
    limit: number,
  ): Promise<EventRow[]> {
    this.checkSpace(spaceId);
    void nodeId;
    const answer = await this.readRows(ROUTES.ownRead, {
      after: afterSeq,
      limit: Math.min(limit, LIMITS.maxPullRows),
    });
    return answer.rows;
  }

  close(): Promise<void> {
    this.connection.close();
    return Promise.resolve();
  }

  /** An NDJSON answer: rows as they come, then the trailer (a stream cut before it is an error). */
  private async readRows(
    route: string,
    body: unknown,
  ): Promise<{ rows: EventRow[]; more: boolean }> {
    const response = await this.connection.request('POST', route, body);
    if (response.status !== 200)
      throw hubError(response.status, safeJson(await readAll(response.body)));
    const rows: EventRow[] = [];
    for await (const line of ndjsonLines(response.body)) {
      if (line === '') continue;
      const value = safeJson(line);
      const trailer = pullTrailerSchema.safeParse(value);
      if (trailer.success) {
        if (trailer.data.rows !== rows.length)
          throw new NetGuardianError('StoreError', 'the hub’s answer was cut short');
        return { rows, more: trailer.data.more };
      }
      // Rows are validated by whoever stores them (screenPeerRows): a bad one is held aside.
      rows.push(value as EventRow);
    }
    throw new NetGuardianError('StoreError', 'the hub’s answer was cut short (no trailer)');
  }

  private checkSpace(spaceId: string): void {
    if (spaceId !== this.spaceId)
      throw new NetGuardianError(
        'AccessDenied',
        `this device's hub credential is for space ${this.spaceId}, not ${spaceId}`,
        'spaceId',
      );
  }
}

/** The hub's chunk storage, over the service: chunks travel as binary frames. */
export class HubChunks implements ChunkStore {
  constructor(
    private readonly connection: HubConnection,
    private readonly spaceId: string,
  ) {}

  async missing(spaceId: string, hashes: readonly string[]): Promise<string[]> {
    this.checkSpace(spaceId);
    const unique = [...new Set(hashes)];
    const missing: string[] = [];
    for (let i = 0; i < unique.length; i += LIMITS.maxHashesPerRequest) {
      const answer = await this.connection.json('POST', ROUTES.chunksMissing, chunkHashesSchema, {
        hashes: unique.slice(i, i + LIMITS.maxHashesPerRequest),
      });
      missing.push(...answer.hashes);
    }
    return missing;
  }

  async put(spaceId: string, chunks: readonly ChunkInput[]): Promise<void> {
    this.checkSpace(spaceId);
    for (const part of byBytes(chunks, PUT_BYTES, (c) => c.data.byteLength + 36)) {
      const response = await this.connection.request(
        'POST',
        ROUTES.chunksPut,
        undefined,
        toAsync(frames(part)),
      );
      const text = await readAll(response.body);
      if (response.status !== 200) throw hubError(response.status, safeJson(text));
      putChunksAnswerSchema.parse(JSON.parse(text));
    }
  }

  /** The chunks the hub holds of `hashes`; the reader verifies each (see contentSources.ts). */
  async getChunks(spaceId: string, hashes: readonly string[]): Promise<Map<string, Uint8Array>> {
    this.checkSpace(spaceId);
    const found = new Map<string, Uint8Array>();
    const unique = [...new Set(hashes)];
    for (let i = 0; i < unique.length; i += LIMITS.maxHashesPerRequest) {
      const response = await this.connection.request('POST', ROUTES.chunksGet, {
        hashes: unique.slice(i, i + LIMITS.maxHashesPerRequest),
      });
      if (response.status !== 200)
        throw hubError(response.status, safeJson(await readAll(response.body)));
      const reader = new ChunkFrameReader(LIMITS.maxChunkBytes);
      for await (const piece of response.body as AsyncIterable<Buffer>)
        for (const frame of reader.push(piece)) found.set(frame.hash, frame.data);
      reader.finish();
    }
    return found;
  }

  private checkSpace(spaceId: string): void {
    if (spaceId !== this.spaceId)
      throw new NetGuardianError(
        'AccessDenied',
        `this device's hub credential is for space ${this.spaceId}, not ${spaceId}`,
        'spaceId',
      );
  }
}

function* frames(chunks: readonly ChunkInput[]): Generator<Uint8Array> {
  for (const c of chunks) {
    yield frameHeader(c.hash, c.data.byteLength);
    yield c.data;
  }
}

/** Splits items into groups of at most `maxBytes` (by their JSON size unless told). */
function* byBytes<T>(
  items: readonly T[],
  maxBytes: number,
  sizeOf: (item: T) => number = (item) => JSON.stringify(item).length,
): Generator<T[]> {
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (group.length > 0 && (bytes + size > maxBytes || group.length >= LIMITS.maxPushEvents)) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += size;
  }
  if (group.length > 0) yield group;
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

/**
 * The lines of an NDJSON body as they arrive. A failure of the stream (a cut connection) is
 * thrown from the loop that reads them, never left unheard.
 */
async function* ndjsonLines(body: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let rest = '';
  // A piece may end inside a character: the decoder keeps its first bytes for the next one.
  const decoder = new StringDecoder('utf8');
  for await (const piece of body) {
    rest += typeof piece === 'string' ? piece : decoder.write(piece);
    let at = rest.indexOf('\n');
    while (at !== -1) {
      const line = rest.slice(0, at);
      rest = rest.slice(at + 1);
      if (line !== '') yield line;
      at = rest.indexOf('\n');
    }
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
