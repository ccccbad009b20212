/**
 * Chunks on the wire: a stream of frames, each the chunk's SHA-256 (32 raw bytes), its length
 * (4 bytes, big-endian) and its bytes. No base64 and no JSON, so a chunk costs its own size plus
 * 36 bytes. The reader is incremental: it takes the stream's pieces as they come and hands out
 * each chunk once whole, so the receiver holds at most one chunk and one piece at a time.
 */
import { NetGuardianError } from '../errors.js';

const HASH_BYTES = 32;
export const FRAME_HEADER_BYTES = HASH_BYTES + 4;

export interface ChunkFrame {
  /** Lowercase hex SHA-256 the sender claims for the bytes (the receiver verifies it). */
  readonly hash: string;
  readonly data: Uint8Array;
}

const HEX = /^[0-9a-f]{64}$/;

function hexToBytes(hex: string): Uint8Array {
  if (!HEX.test(hex))
    throw new NetGuardianError('InvalidArgument', `not a SHA-256: ${hex}`, 'hash');
  const out = new Uint8Array(HASH_BYTES);
  for (let i = 0; i < HASH_BYTES; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** The header of one frame; the chunk's bytes follow it as they are. */
export function frameHeader(hash: string, size: number): Uint8Array {
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  header.set(hexToBytes(hash), 0);
  new DataView(header.buffer).setUint32(HASH_BYTES, size);
  return header;
}

/** A frame's header read: its hash and size, refused before any byte when over `maxChunkBytes`. */
function readHeader(head: Uint8Array, maxChunkBytes: number): { hash: string; size: number } {
  const size = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(HASH_BYTES);
  if (size > maxChunkBytes) {
    throw new NetGuardianError(
      'PayloadTooLarge',
      `a chunk of ${size} bytes is over the ${maxChunkBytes}-byte limit`,
      'chunk',
    );
  }
  return { hash: bytesToHex(head.subarray(0, HASH_BYTES)), size };
}

/** What `ChunkFrameParts` reads: a chunk begins, some of its bytes, it ends. */
export type ChunkFramePart =
  | { readonly kind: 'head'; readonly hash: string; readonly size: number }
  | { readonly kind: 'bytes'; readonly data: Uint8Array }
  | { readonly kind: 'end' };

/**
 * Splits a byte stream into frames without ever holding a chunk whole: each frame is its head
 * (hash and size), its bytes as the pieces bring them, and its end. For a receiver that streams
 * each chunk on (to object storage) and hashes it as it goes.
 */
export class ChunkFrameParts {
  private head = new Uint8Array(FRAME_HEADER_BYTES);
  private headBytes = 0;
  /** Bytes of the current frame still to come; -1 while a header is being read. */
  private left = -1;

  constructor(private readonly maxChunkBytes: number) {}

  push(piece: Uint8Array): ChunkFramePart[] {
    const parts: ChunkFramePart[] = [];
    let offset = 0;
    while (offset < piece.byteLength) {
      if (this.left < 0) {
        const take = piece.subarray(offset, offset + FRAME_HEADER_BYTES - this.headBytes);
        this.head.set(take, this.headBytes);
        this.headBytes += take.byteLength;
        offset += take.byteLength;
        if (this.headBytes < FRAME_HEADER_BYTES) break;
        const { hash, size } = readHeader(this.head, this.maxChunkBytes);
        this.head = new Uint8Array(FRAME_HEADER_BYTES);
        this.headBytes = 0;
        parts.push({ kind: 'head', hash, size });
        if (size === 0) parts.push({ kind: 'end' });
        else this.left = size;
      } else {
        const take = piece.subarray(offset, offset + this.left);
        offset += take.byteLength;
        this.left -= take.byteLength;
        parts.push({ kind: 'bytes', data: take });
        if (this.left === 0) {
          parts.push({ kind: 'end' });
          this.left = -1;
        }
      }
    }
    return parts;
  }

  /** Throws when the stream ended inside a frame. */
  finish(): void {
    if (this.left >= 0 || this.headBytes > 0) throw cutInsideChunk();
  }
}

const cutInsideChunk = () =>
  new NetGuardianError(
    'InvalidArgument',
    'the chunk stream ended inside a chunk (the connection was cut?)',
    'chunk',
  );

/**
 * Splits a byte stream into frames. `push` a piece as it arrives and take the frames it
 * completed; `finish` at the end says whether the stream stopped inside a frame (an error: the
 * sender was cut off). A frame longer than `maxChunkBytes` is refused before its bytes are read.
 */
export class ChunkFrameReader {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private header: { hash: string; size: number } | undefined;

  constructor(private readonly maxChunkBytes: number) {}

  push(piece: Uint8Array): ChunkFrame[] {
    const frames: ChunkFrame[] = [];
    if (piece.byteLength > 0) {
      this.pending.push(piece);
      this.pendingBytes += piece.byteLength;
    }
    for (;;) {
      if (!this.header) {
        if (this.pendingBytes < FRAME_HEADER_BYTES) return frames;
        this.header = readHeader(this.take(FRAME_HEADER_BYTES), this.maxChunkBytes);
      }
      if (this.pendingBytes < this.header.size) return frames;
      frames.push({ hash: this.header.hash, data: this.take(this.header.size) });
      this.header = undefined;
    }
  }

  /** Throws when the stream ended inside a frame. */
  finish(): void {
    if (this.header || this.pendingBytes > 0) throw cutInsideChunk();
  }

  /** The next `n` pending bytes, as one array (copied only when they span pieces). */
  private take(n: number): Uint8Array {
    const first = this.pending[0] as Uint8Array;
    let out: Uint8Array;
    if (first.byteLength >= n) {
      out = first.subarray(0, n);
      if (first.byteLength === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        const piece = this.pending[0] as Uint8Array;
        const part = Math.min(piece.byteLength, n - filled);
        out.set(piece.subarray(0, part), filled);
        filled += part;
        if (part === piece.byteLength) this.pending.shift();
        else this.pending[0] = piece.subarray(part);
      }
    }
    this.pendingBytes -= n;
    return out;
  }
}
