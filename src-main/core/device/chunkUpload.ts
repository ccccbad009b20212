import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import type { ChunkRef, CrdtEvent } from '../../../src-shared/events/event.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { ChunkStore } from '../files/chunkStore.js';
import { sha256 } from '../files/fileHasher.js';
import type { ChunkLocation, FileIndex } from '../files/fileIndex.js';
import { resolveExisting } from '../files/safePaths.js';

export interface UploadReport {
  readonly chunks: number;
  readonly bytes: number;
  /** Chunks no local file holds any more (the file changed again since): its newer version follows. */
  readonly unavailable: number;
}

const BATCH_BYTES = 8 * 1024 * 1024;

/** A chunk's bytes from a local file, if the file still holds exactly them. */
async function readVerifiedChunk(
  rootReal: string,
  location: ChunkLocation,
  ref: ChunkRef,
): Promise<Uint8Array | undefined> {
  if (location.size !== ref.size) return undefined;
  const abs = await resolveExisting(rootReal, location.path);
  if (!abs.ok || abs.value === undefined) return undefined;
  try {
    const fh = await open(abs.value, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const bytes = Buffer.allocUnsafe(ref.size);
      const { bytesRead } = await fh.read(bytes, 0, ref.size, location.offset);
      return bytesRead === ref.size && sha256(bytes) === ref.hash ? bytes : undefined;
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
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
    readonly onProgress?: (bytes: number) => void;
  },
): Promise<UploadReport> {
  const refs = new Map<string, ChunkRef>();
  for (const e of events) {
    const content = e.data.content;
    if (!content || isDirectoryContent(content)) continue;
    for (const c of content.chunks ?? []) refs.set(c.hash, c);
  }
  if (refs.size === 0) return { chunks: 0, bytes: 0, unavailable: 0 };
  const missing = await options.hub.missing(options.spaceId, [...refs.keys()]);
  if (missing.length === 0) return { chunks: 0, bytes: 0, unavailable: 0 };
  const rootReal = await realpath(options.root);
  const locations = await options.index.findChunks(missing);
  let chunks = 0;
  let bytes = 0;
  let unavailable = 0;
  let batch: { hash: string; data: Uint8Array }[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await options.hub.put(options.spaceId, batch);
    chunks += batch.length;
    bytes += batchBytes;
    options.onProgress?.(bytes);
    batch = [];
    batchBytes = 0;
  };
  for (const hash of missing) {
    const ref = refs.get(hash) as ChunkRef;
    let data: Uint8Array | undefined;
    for (const location of (locations.get(hash) ?? []).slice(0, 3)) {
      data = await readVerifiedChunk(rootReal, location, ref);
      if (data) break;
    }
    if (!data) {
      unavailable += 1;
      continue;
    }
    batch.push({ hash, data });
    batchBytes += data.byteLength;
    if (batchBytes >= BATCH_BYTES) await flush();
  }
  await flush();
  return { chunks, bytes, unavailable };
}
