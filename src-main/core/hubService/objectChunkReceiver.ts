import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { checkQuota, type SpaceUsage } from './chunkIndex.js';
import type { ChunkReceiver } from './chunkStorage.js';
import type { ObjectChunkStorage } from './objectChunkStorage.js';

interface Incoming {
  readonly hash: string;
  readonly size: number;
  readonly key: string;
  readonly hasher: Hash;
  /** Where the bytes go on to the object store (absent for an empty chunk, stored at `end`). */
  readonly body: PassThrough | undefined;
  readonly stored: Promise<void> | undefined;
  received: number;
  /** The chunk's last byte, held back until its hash checks. */
  held: Uint8Array | undefined;
}

/**
 * One upload request's chunks, streamed to object storage as they arrive (`ObjectChunkStorage
 * .receive`). Each chunk's bytes pass through a SHA-256 on their way to its object; its last byte
 * is held back, so the object store has all `size` bytes only once the hash checked: a chunk
 * whose bytes are not its hash's is cut short, and the server stores nothing under its key. What
 * arrived is named by `commit` in one transaction with the quota, as a put's chunks are.
 */
export class ObjectChunkReceiver implements ChunkReceiver {
  private current: Incoming | undefined;
  private arrived: { hash: string; size: number; key: string }[] = [];
  /** Every key this request uploaded and has not named yet (deleted by `abort`). */
  private readonly unnamed = new Set<string>();
  private usage: SpaceUsage | undefined;
  /** Bytes of chunks begun since the usage was read: the quota's early check. */
  private begunBytes = 0;

  constructor(
    private readonly storage: ObjectChunkStorage,
    private readonly spaceId: string,
    /** A new object key for a chunk of this space (`chunkObjectKey`). */
    private readonly keyFor: (hash: string) => string,
  ) {}

  async begin(hash: string, size: number): Promise<void> {
    if (this.current) throw new Error('a chunk began before the last one ended');
    // Refused before its bytes go anywhere when the quota can't take it (checked again, under
    // the usage lock, when the chunks are named).
    this.usage ??= await this.storage.usage(this.spaceId);
    this.begunBytes += size;
    checkQuota(this.spaceId, this.usage, this.begunBytes);
    const key = this.keyFor(hash);
    await this.storage.recordUploads(this.spaceId, [key]);
    this.unnamed.add(key);
    let body: PassThrough | undefined;
    let stored: Promise<void> | undefined;
    if (size > 0) {
      body = new PassThrough();
      stored = this.storage.objects.put(key, size, body);
      // Awaited at `end`; a failure meanwhile must not count as unhandled.
      stored.catch(() => undefined);
    }
    this.current = {
      hash,
      size,
      key,
      hasher: createHash('sha256'),
      body,
      stored,
      received: 0,
      held: undefined,
    };
  }

  async write(bytes: Uint8Array): Promise<void> {
    const c = this.current;
    if (!c?.body) throw new Error('chunk bytes outside a chunk');
    c.hasher.update(bytes);
    c.received += bytes.byteLength;
    let part = bytes;
    if (c.received === c.size && bytes.byteLength > 0) {
      c.held = bytes.subarray(bytes.byteLength - 1);
      part = bytes.subarray(0, bytes.byteLength - 1);
    }
    if (part.byteLength > 0 && !c.body.write(part)) await drained(c.body, c.stored);
  }

  async end(): Promise<void> {
    const c = this.current;
    if (!c) throw new Error('a chunk ended that never began');
    this.current = undefined;
    if (c.received !== c.size || c.hasher.digest('hex') !== c.hash) {
      c.body?.destroy(new Error('the chunk does not match its hash'));
      await c.stored?.catch(() => undefined);
      await this.forget([c.key]);
      throw new NetGuardianError(
        'ChunkHashMismatch',
        `chunk ${c.hash} does not match its ${c.received} bytes: refused, nothing stored`,
        c.hash,
      );
    }
    try {
      if (c.body) {
        c.body.end(c.held);
        await c.stored;
      } else await this.storage.objects.put(c.key, 0, new Uint8Array(0));
    } catch (e) {
      await this.forget([c.key]);
      throw new NetGuardianError(
        'StoreError',
        `the hub could not store a chunk in its object storage (${this.storage.objects.location}): ${e instanceof Error ? e.message : String(e)}; nothing was stored, the device uploads it again`,
        'chunks',
      );
    }
    this.arrived.push({ hash: c.hash, size: c.size, key: c.key });
  }

  async commit(): Promise<void> {
    const arrived = this.arrived;
    this.arrived = [];
    for (const a of arrived) this.unnamed.delete(a.key);
    // The next chunks' early quota check reads the usage again, with these counted.
    this.usage = undefined;
    this.begunBytes = 0;
    await this.storage.name(this.spaceId, arrived);
  }

  async abort(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (c) {
      c.body?.destroy(new Error('the upload was cut off'));
      await c.stored?.catch(() => undefined);
    }
    this.arrived = [];
    await this.forget([...this.unnamed]);
  }

  private async forget(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.unnamed.delete(k);
    await this.storage.discard(this.spaceId, keys);
  }
}

/** Waits until `body` takes more, or its upload ended (a failure shows at `end`). */
async function drained(body: PassThrough, stored: Promise<void> | undefined): Promise<void> {
  await Promise.race([once(body, 'drain'), stored?.catch(() => undefined)]);
}
