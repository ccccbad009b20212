import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync } from 'node:fs';
import type { ChunkRef } from '../../../src-shared/events/event.js';
import { Chunker, DEFAULT_CHUNKING, type ChunkingParams } from './fastCdc.js';
import { READ_FLAGS, readWholeIfSmall } from './localIo.js';

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
 * Files up to this size are read in one buffer of their own size. A read stream allocates its
 * whole window (1 MiB) for every file however small, and its async iteration costs several
 * promises per file: for a folder of 10,000 files of a few KiB that was most of the hashing time.
 */
const SMALL_FILE_BYTES = 1024 * 1024;

/**
 * Hashes a file (never read whole into memory beyond SMALL_FILE_BYTES: larger files are
 * streamed) and splits it into content-defined chunks. `onChunk` receives each chunk's bytes,
 * e.g. to upload them.
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
  // Opened, stat'ed and (when small) read synchronously: see localIo.ts. Anything other than a
  // regular file (a FIFO put where the file was) is refused by readWholeIfSmall.
  const fd = openSync(path, READ_FLAGS);
  try {
    const small = readWholeIfSmall(fd, SMALL_FILE_BYTES);
    if (small) {
      whole.update(small);
      size = small.length;
      await emit(chunker.push(small));
    } else {
      const stream = createReadStream('', {
        fd,
        start: 0,
        highWaterMark: options.highWaterMark ?? 1024 * 1024,
        autoClose: false,
      });
      for await (const buf of stream as AsyncIterable<Buffer>) {
        whole.update(buf);
        size += buf.length;
        await emit(chunker.push(buf));
      }
    }
  } finally {
    closeSync(fd);
  }
  await emit(chunker.end());
  return { hash: whole.digest('hex'), size, chunks };
}
