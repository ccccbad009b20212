import { createHash } from 'node:crypto';
import { closeSync, futimesSync } from 'node:fs';
import { applyModeFd } from './applyMode.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ChunkRef, ContentRef } from '../../../src-shared/events/event.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import type { ChunkSource } from './chunkStore.js';
import {
  chunkLocations,
  type ChunkLocation,
  type FileIndex,
  type IndexEntry,
} from './fileIndex.js';
import { isOutOfSpace, receivedFileError, type DiskSpace, type SpaceClaim } from './diskSpace.js';
import { createTempFile, writeAll } from './durableFs.js';
import { fsyncFd, readRange } from './localIo.js';
import { resolveExisting } from './safePaths.js';
import { discardTemp } from './tempFiles.js';

type Out<T> = Result<T, NetGuardianError>;

/** Chunks at least this big are looked up inside other files' chunk lists too. */
const CHUNK_PROBE_MIN = 64 * 1024;

/** Bytes of chunks held at once while a large file is assembled. */
const WINDOW_BYTES = 8 * 1024 * 1024;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface ChunkResolverOptions {
  readonly rootReal: string;
  readonly spaceId: string;
  readonly index: FileIndex;
  readonly source: ChunkSource;
}

/**
 * Verified chunk bytes for writing files: first from files this device
 * already holds (a renamed, copied or edited file is not downloaded again),
 * then from the source. Every chunk's SHA-256 is checked before use; a chunk
 * from the source that fails is refused with ChunkHashMismatch.
 */
export class ChunkResolver {
  private readonly cache = new Map<string, Uint8Array>();
  private cachedBytes = 0;
  /** Chunks taken from local files / downloaded, for reports and tests. */
  reused = 0;
  downloaded = 0;

  constructor(private readonly options: ChunkResolverOptions) {}

  /** Fetches ahead the chunks of many small files in one request (bounded by the caller). */
  async prefetch(refs: readonly ChunkRef[]): Promise<void> {
    this.usePrefetched(await this.fetchAhead(refs));
  }

  /**
   * The verified bytes of many small files' chunks, fetched in one request (bounded by the
   * caller), without touching the chunks prefetched for the files being written now: the
   * materializer fetches the next group while it writes the current one. A chunk that cannot be
   * had leaves the result empty; its error surfaces again, per file, when the file asks for it.
   * So does a hub out of reach: thrown here, it would fail the whole run (and a device's start,
   * whose reconcile writes what an earlier run left), not just the files that wait for it.
   */
  async fetchAhead(refs: readonly ChunkRef[]): Promise<Map<string, Uint8Array>> {
    try {
      const got = await this.resolve(refs, []);
      return got.ok ? got.value : new Map();
    } catch {
      return new Map();
    }
  }

  /** Makes `chunks` the prefetched set that `get` serves from, in place of the previous one. */
  usePrefetched(chunks: ReadonlyMap<string, Uint8Array>): void {
    this.clear();
    for (const [hash, bytes] of chunks) this.remember(hash, bytes);
  }

  /**
   * Indexed files with this exact content (a renamed or copied file): their
   * chunk lists locate every chunk, small tail chunks included.
   */
  async sameContent(content: ContentRef): Promise<IndexEntry[]> {
    if ((content.chunks?.length ?? 0) < 2) return [];
    return this.options.index.withContent([content.hash]);
  }

  /** Drops prefetched chunks (between groups of files). */
  clear(): void {
    this.cache.clear();
    this.cachedBytes = 0;
  }

  /** Bytes of each ref, verified. `hints`: indexed files likely to hold them (the file being replaced). */
  async get(
    refs: readonly ChunkRef[],
    hints: readonly IndexEntry[],
  ): Promise<Out<Map<string, Uint8Array>>> {
    const out = new Map<string, Uint8Array>();
    const missing: ChunkRef[] = [];
    for (const ref of refs) {
      const cached = this.cache.get(ref.hash);
      if (cached) out.set(ref.hash, cached);
      else missing.push(ref);
    }
    const got = await this.resolve(missing, hints);
    if (!got.ok) return got;
    for (const [hash, bytes] of got.value) out.set(hash, bytes);
    return ok(out);
  }

  private remember(hash: string, bytes: Uint8Array): void {
    if (this.cachedBytes + bytes.byteLength > WINDOW_BYTES * 4) return;
    this.cache.set(hash, bytes);
    this.cachedBytes += bytes.byteLength;
  }

  private async resolve(
    refs: readonly ChunkRef[],
    hints: readonly IndexEntry[],
  ): Promise<Out<Map<string, Uint8Array>>> {
    const out = new Map<string, Uint8Array>();
    const wanted = new Map(refs.map((r) => [r.hash, r]));
    if (wanted.size === 0) return ok(out);
    const locations = new Map<string, ChunkLocation[]>();
    for (const hint of hints) {
      for (const [hash, location] of chunkLocations(hint)) {
        if (wanted.has(hash)) locations.set(hash, [...(locations.get(hash) ?? []), location]);
      }
    }
    const unknown = [...wanted.values()].filter((r) => !locations.has(r.hash));
    // Whole files by content for every chunk (a small file is one chunk); the
    // chunk-list index only for chunks big enough to be worth a probe.
    const small = unknown.filter((r) => r.size < CHUNK_PROBE_MIN).map((r) => r.hash);
    const big = unknown.filter((r) => r.size >= CHUNK_PROBE_MIN).map((r) => r.hash);
    for (const entry of small.length > 0 ? await this.options.index.withContent(small) : []) {
      for (const [hash, location] of chunkLocations(entry)) {
        if (wanted.has(hash)) locations.set(hash, [...(locations.get(hash) ?? []), location]);
      }
    }
    if (big.length > 0) {
      for (const [hash, list] of await this.options.index.findChunks(big))
        locations.set(hash, list);
    }
    for (const [hash, list] of locations) {
      const ref = wanted.get(hash) as ChunkRef;
      for (const location of list.slice(0, 3)) {
        const bytes = await this.readLocal(location, ref);
        if (bytes) {
          out.set(hash, bytes);
          this.reused++;
          break;
        }
      }
    }
    const remote = [...wanted.keys()].filter((h) => !out.has(h));
    if (remote.length === 0) return ok(out);
    const fetched = await this.options.source.getChunks(this.options.spaceId, remote);
    for (const hash of remote) {
      const bytes = fetched.get(hash);
      const ref = wanted.get(hash) as ChunkRef;
      if (!bytes) {
        return err(
          new NetGuardianError(
            'NotFound',
            `chunk ${hash} is not available from the source`,
            'chunk',
          ),
        );
      }
      if (bytes.byteLength !== ref.size || sha256(bytes) !== hash) {
        return err(
          new NetGuardianError(
            'ChunkHashMismatch',
            `chunk ${hash} from the source does not match its hash (${bytes.byteLength} bytes); refused`,
            'chunk',
          ),
        );
      }
      out.set(hash, bytes);
      this.downloaded++;
    }
    return ok(out);
  }

  /** A chunk's bytes from a local file, if the file still holds them (verified). */
  private async readLocal(location: ChunkLocation, ref: ChunkRef): Promise<Uint8Array | undefined> {
    if (location.size !== ref.size) return undefined;
    const abs = await resolveExisting(this.options.rootReal, location.path);
    if (!abs.ok || abs.value === undefined) return undefined;
    try {
      const bytes = readRange(abs.value, location.offset, ref.size);
      return bytes && sha256(bytes) === ref.hash ? bytes : undefined;
    } catch {
      // Moved, changed or unreadable since it was indexed: fetch it instead.
      return undefined;
    }
  }
}

/** Consecutive refs grouped so each group's bytes stay near `WINDOW_BYTES`. */
function* windows(refs: readonly ChunkRef[]): Generator<ChunkRef[]> {
  let group: ChunkRef[] = [];
  let bytes = 0;
  for (const ref of refs) {
    if (group.length > 0 && bytes + ref.size > WINDOW_BYTES) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(ref);
    bytes += ref.size;
  }
  if (group.length > 0) yield group;
}

/** Whether a content reference can be assembled from chunks at all. */
export function checkContent(content: ContentRef): Out<readonly ChunkRef[]> {
  const chunks = content.chunks ?? [];
  const total = chunks.reduce((n, c) => n + c.size, 0);
  if (content.size > 0 && chunks.length === 0) {
    return err(
      new NetGuardianError(
        'NotFound',
        `content ${content.hash} has no chunk list; cannot assemble it`,
        'content',
      ),
    );
  }
  if (total !== content.size) {
    return err(
      new NetGuardianError(
        'InvalidEvent',
        `content ${content.hash}: chunks add up to ${total} bytes, not ${content.size}`,
        'content',
      ),
    );
  }
  return ok(chunks);
}

/** Permission bits and modification time for a written file. */
export interface FileMeta {
  readonly mode: number;
  readonly mtimeMs?: number;
}

export interface WriteTempOptions {
  /** The caller makes the file durable with others (see tempFlusher.ts); default: fsynced here. */
  readonly flushLater?: boolean;
  /**
   * Gives up the temp file on a failure (default: `discardTemp`). The materializer's notes one
   * not found where it was made (its folder moved meanwhile), to look for it (staleTemps.ts).
   */
  readonly discard?: (temp: string) => void;
  /**
   * The folder's disk (diskSpace.ts): a file over the per-file maximum, or one the disk has no
   * room for (keeping the reserve), is refused before its temp file is created (`PayloadTooLarge`,
   * `NoSpace`, the message saying why in words); an ENOSPC while writing gives up the temp file
   * and is `NoSpace` too. Default: not checked.
   */
  readonly space?: DiskSpace;
}

/**
 * Writes `content` to a new temp file (`nextTempName`, tempFiles.ts) in `dirAbs`, chunk
 * window by chunk window (never the whole file in memory), checks the whole
 * file's hash, sets its mode and mtime, and fsyncs it (unless `flushLater`). On any failure the
 * temp file is given up (`discard`) and nothing else was touched. The caller renames it, and
 * releases it then (tempFiles.ts: in flight until then). With `space`, the content's size is
 * checked against the per-file maximum and the disk's free space first (nothing is created
 * when refused), and the room stays claimed until the file is written.
 * The calls are synchronous but for the fsync (see localIo.ts).
 */
export async function writeTempFile(
  dirAbs: string,
  content: ContentRef,
  resolver: ChunkResolver,
  hints: readonly IndexEntry[],
  meta: FileMeta,
  options: WriteTempOptions = {},
): Promise<Out<string>> {
  const discard = options.discard ?? ((temp: string) => void discardTemp(temp));
  const checked = checkContent(content);
  if (!checked.ok) return checked;
  const allHints = [...hints, ...(await resolver.sameContent(content))];
  // Claimed just before the temp file is made, held until the file is written.
  let claim: SpaceClaim | undefined;
  if (options.space) {
    const room = options.space.claim(dirAbs, content.size);
    if (!room.ok) return err(receivedFileError(room.error));
    claim = room.value;
  }
  try {
    return await fillTempFile(dirAbs, content, checked.value, resolver, allHints, meta, {
      ...options,
      discard,
      claim,
    });
  } finally {
    claim?.release();
  }
}

async function fillTempFile(
  dirAbs: string,
  content: ContentRef,
  chunks: readonly ChunkRef[],
  resolver: ChunkResolver,
  allHints: readonly IndexEntry[],
  meta: FileMeta,
  options: WriteTempOptions & {
    readonly discard: (temp: string) => void;
    readonly claim: SpaceClaim | undefined;
  },
): Promise<Out<string>> {
  const { discard, claim } = options;
  let temp: string;
  let fd: number;
  try {
    // 0o600 until whole and verified; `meta.mode` is set then (not through the umask).
    ({ temp, fd } = createTempFile(dirAbs, 0o600));
  } catch (e) {
    const full = outOfSpace(options.space, dirAbs, content.size, e);
    if (full) return err(full);
    throw e;
  }
  let result: Out<string> = ok(temp);
  try {
    const whole = createHash('sha256');
    for (const group of windows(chunks)) {
      const bytes = await resolver.get(group, allHints);
      if (!bytes.ok) {
        result = bytes;
        break;
      }
      for (const ref of group) {
        const chunk = bytes.value.get(ref.hash) as Uint8Array;
        whole.update(chunk);
        writeAll(fd, chunk);
        claim?.wrote(chunk.byteLength);
      }
    }
    if (result.ok && whole.digest('hex') !== content.hash) {
      result = err(
        new NetGuardianError(
          'ChunkHashMismatch',
          `assembled content does not match its hash ${content.hash}; refused`,
          'content',
        ),
      );
    }
    if (result.ok) {
      applyModeFd(fd, meta.mode);
      if (meta.mtimeMs !== undefined) futimesSync(fd, new Date(), meta.mtimeMs / 1000);
      if (!options.flushLater) await fsyncFd(fd);
    }
  } catch (e) {
    closeSync(fd);
    discard(temp);
    // What it had left to write no longer counts as under way when the shortage is measured.
    claim?.release();
    // The disk filled meanwhile (another program, or space statfs did not show): the temp file
    // is gone, and the file waits for space like one the check refused.
    const full = outOfSpace(options.space, dirAbs, content.size, e);
    if (full) return err(full);
    throw e;
  }
  closeSync(fd);
  if (!result.ok) discard(temp);
  return result;
}

/** `e` as a `NoSpace` refusal when it is ENOSPC (or EDQUOT) and the disk is checked. */
function outOfSpace(
  space: DiskSpace | undefined,
  dirAbs: string,
  bytes: number,
  e: unknown,
): NetGuardianError | undefined {
  if (!space || !isOutOfSpace(e)) return undefined;
  // At least a byte short, whatever statfs says now (it said there was room).
  const refusal = space.shortOf(dirAbs, bytes, 1);
  return refusal ? receivedFileError(refusal) : undefined;
}
