import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ChunkRef } from '../../../src-shared/events/event.js';
import { Chunker, DEFAULT_CHUNKING, type ChunkingParams } from './fastCdc.js';

export interface HashedFile {
  /** SHA-256 of the whole content. */
  readonly hash: string;
  readonly size: number;
  readonly chunks: readonly ChunkRef[];
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** SHA-256 of the empty content: a 0-byte file has this hash and no chunks. */
export const EMPTY_HASH = sha256(new Uint8Array(0));

/**
 * Hashes a file while streaming it (never read whole into memory) and splits
 * it into content-defined chunks. `onChunk` receives each chunk's bytes, e.g.
 * to upload them.
 */
export async function hashFile(
  path: string,
  options: {
    params?: ChunkingParams;
    onChunk?: (ref: ChunkRef, bytes: Uint8Array) => void | Promise<void>;
    highWaterMark?: number;
  } = {},
): Promise<HashedFile> {
  const whole = createHash('sha256');
  const chunker = new Chunker(options.params ?? DEFAULT_CHUNKING);
  const chunks: ChunkRef[] = [];
  let size = 0;
  const emit = async (parts: Uint8Array[]) => {
    for (const bytes of parts) {
      const ref = { hash: sha256(bytes), size: bytes.length };
      chunks.push(ref);
      if (options.onChunk) await options.onChunk(ref, bytes);
    }
  };
  const stream = createReadStream(path, { highWaterMark: options.highWaterMark ?? 1024 * 1024 });
  for await (const buf of stream as AsyncIterable<Buffer>) {
    whole.update(buf);
    size += buf.length;
    await emit(chunker.push(buf));
  }
  await emit(chunker.end());
  return { hash: whole.digest('hex'), size, chunks };
}
