import { realpath } from 'node:fs/promises';
import type { ChunkRef, CrdtEvent } from '../../../src-shared/events/event.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { ChunkStore } from '../files/chunkStore.js';
import { sha256 } from '../files/fileHasher.js';
import type { ChunkLocation, FileIndex } from '../files/fileIndex.js';
import { readRange } from '../files/localIo.js';
import { resolveExisting, type CheckedDirs } from '../files/safePaths.js';

export interface UploadReport {
  readonly chunks: number;
  readonly bytes: number;
  /** Chunks no local file holds any more (the file changed again since): its newer version follows. */
  readonly unavailable: number;
  /**
   * How many of the events, from the first, may be appended to the hub: all of them, unless an
   * event's content is still the file's current content but could not be read (its index row
   * is not written yet, mid-scan): that event and those after it wait for the next push, so no
   * event reaches the hub before content that other devices could fetch.
   */
  readonly ready: number;
  /**
   * Set when the held event's file could not be read (permissions, I/O error) rather than being
   * mid-scan or changed: a wait only the user can end, so it is reported.
   */
  readonly problem?: string;
  /**
   * The held event's path when the file index knows no place of its chunks at all (not a failed
   * read): the index fell behind the disk (a folder replaced by a file while a download wrote
   * into it), so waiting alone would never end. The caller has the path scanned again, which
   * indexes the file as it is.
   */
  readonly reindex?: string;
}

const BATCH_BYTES = 8 * 1024 * 1024;
/** Chunk reads in flight at once (each reads synchronously; the hub's lookups overlap). */
const READ_CONCURRENCY = 8;

/**
 * A chunk's bytes from a local file, if the file still holds exactly them; otherwise why not:
 * `changed` (gone, shorter, other bytes: a newer version is being recorded) or the error that
 * kept the file from being read (EACCES, EIO, …), which only the user can end.
 */
type ChunkRead =
  { readonly bytes: Uint8Array } | { readonly changed: true } | { readonly error: string };

async function readVerifiedChunk(
  rootReal: string,
  location: ChunkLocation,
  ref: ChunkRef,
  checkedDirs: CheckedDirs,
): Promise<ChunkRead> {
  if (location.size !== ref.size) return { changed: true };
  try {
    const abs = await resolveExisting(rootReal, location.path, checkedDirs);
    // Gone, or a folder above it swapped for a symlink or a file: not this content any more.
    if (!abs.ok || abs.value === undefined) return { changed: true };
    // Synchronously: see localIo.ts.
    const bytes = readRange(abs.value, location.offset, ref.size);
    return bytes && sha256(bytes) === ref.hash ? { bytes } : { changed: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { changed: true };
    return { error: `${location.path}: ${code ?? (e as Error).message}` };
  }
}

/**
 * Uploads to the hub the chunks that a batch of events needs and the hub
 * lacks, read from this device's files (verified against their hash) before
 * the events are appended, so no event is visible on the hub before its content.
 */
export async function uploadChunksFor(
  events: readonly CrdtEvent[],
  options: {
    readonly spaceId: string;
    readonly root: string;
    readonly index: FileIndex;
    readonly hub: ChunkStore;
    /** The content hash of an entity's current version on this device (none: gone or a folder). */
    readonly currentHash: (entityId: string) => Promise<string | undefined>;
    readonly onProgress?: (bytes: number) => void;
    /** Before the first chunk is read: how many files' contents, and how many bytes, will go. */
    readonly onStart?: (files: number, bytes: number) => void;
  },
): Promise<UploadReport> {
  const refs = new Map<string, ChunkRef>();
  for (const e of events) {
    const content = e.data.content;
    if (!content || isDirectoryContent(content)) continue;
    for (const c of content.chunks ?? []) refs.set(c.hash, c);
  }
  const all = events.length;
  if (refs.size === 0) return { chunks: 0, bytes: 0, unavailable: 0, ready: all };
  const missing = await options.hub.missing(options.spaceId, [...refs.keys()]);
  if (missing.length === 0) return { chunks: 0, bytes: 0, unavailable: 0, ready: all };
  if (options.onStart) {
    const lacking = new Set(missing);
    const files = new Set(
      events
        .filter((e) => {
          const content = e.data.content;
          return (
            content &&
            !isDirectoryContent(content) &&
            (content.chunks ?? []).some((c) => lacking.has(c.hash))
          );
        })
        .map((e) => e.entityId),
    ).size;
    const bytes = missing.reduce((sum, h) => sum + (refs.get(h) as ChunkRef).size, 0);
    options.onStart(files, bytes);
  }
  const rootReal = await realpath(options.root);
  const locations = await options.index.findChunks(missing);
  // Folders seen to be real folders during this upload (each is lstat'ed once, not once per
  // chunk). Every chunk read is verified against its hash, so a folder swapped meanwhile can
  // only make a read fail, never send other bytes.
  const checkedDirs: CheckedDirs = new Set();
  /** The first read error of each chunk no location gave: what the user is told if it holds the push. */
  const readErrors = new Map<string, string>();
  const readChunk = async (hash: string): Promise<Uint8Array | undefined> => {
    const ref = refs.get(hash) as ChunkRef;
    for (const location of (locations.get(hash) ?? []).slice(0, 3)) {
      const read = await readVerifiedChunk(rootReal, location, ref, checkedDirs);
      if ('bytes' in read) return read.bytes;
      if ('error' in read && !readErrors.has(hash)) readErrors.set(hash, read.error);
    }
    return undefined;
  };
  let chunks = 0;
  let bytes = 0;
  const unread = new Set<string>();
  // Batches of at most BATCH_BYTES by the chunks' known sizes (or one larger chunk): each is read
  // with a few reads in flight, then stored in one call, so memory stays bounded as before.
  for (const group of sizeGroups(missing, (h) => (refs.get(h) as ChunkRef).size)) {
    const read = await mapConcurrent(group, READ_CONCURRENCY, readChunk);
    const batch: { hash: string; data: Uint8Array }[] = [];
    let batchBytes = 0;
    group.forEach((hash, i) => {
      const data = read[i];
      if (!data) {
        unread.add(hash);
        return;
      }
      batch.push({ hash, data });
      batchBytes += data.byteLength;
    });
    if (batch.length === 0) continue;
    await options.hub.put(options.spaceId, batch);
    chunks += batch.length;
    bytes += batchBytes;
    options.onProgress?.(bytes);
  }
  const held = await heldEvent(events, unread, options);
  if (held === undefined) return { chunks, bytes, unavailable: unread.size, ready: all };
  const error = (held.chunks ?? []).map((c) => readErrors.get(c.hash)).find((m) => m);
  const nowhere = (held.chunks ?? []).every((c) => (locations.get(c.hash) ?? []).length === 0);
  return {
    chunks,
    bytes,
    unavailable: unread.size,
    ready: held.index,
    ...(nowhere && !error ? { reindex: held.entityId } : {}),
    ...(error
      ? {
          problem: `cannot read ${error} to upload its content; this device's later changes wait until it can be read or is changed`,
        }
      : {}),
  };
}

/**
 * The first event that lacks a chunk its file still holds (see `UploadReport.ready`), with its
 * position and chunks; none when every event may go.
 */
async function heldEvent(
  events: readonly CrdtEvent[],
  unread: ReadonlySet<string>,
  options: { readonly currentHash: (entityId: string) => Promise<string | undefined> },
): Promise<
  { index: number; entityId: string; chunks: readonly ChunkRef[] | undefined } | undefined
> {
  if (unread.size === 0) return undefined;
  for (const [index, e] of events.entries()) {
    const content = e.data.content;
    if (!content || isDirectoryContent(content)) continue;
    if (!(content.chunks ?? []).some((c) => unread.has(c.hash))) continue;
    // Superseded since (edited again, deleted): its newer version follows, as before.
    if ((await options.currentHash(e.entityId)) === content.hash)
      return { index, entityId: e.entityId, chunks: content.chunks };
  }
  return undefined;
}

/** Consecutive groups whose sizes add up to at most BATCH_BYTES (a larger item is a group alone). */
function* sizeGroups<T>(items: readonly T[], sizeOf: (item: T) => number): Generator<T[]> {
  let group: T[] = [];
  let total = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (group.length > 0 && total + size > BATCH_BYTES) {
      yield group;
      group = [];
      total = 0;
    }
    group.push(item);
    total += size;
  }
  if (group.length > 0) yield group;
}

/** `fn` over `items` with at most `limit` calls in flight; results in the order of `items`. */
async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
