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
        const head = this.take(FRAME_HEADER_BYTES);
        const size = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(
          HASH_BYTES,
        );
        if (size > this.maxChunkBytes) {
          throw new NetGuardianError(
            'PayloadTooLarge',
            `a chunk of ${size} bytes is over the ${this.maxChunkBytes}-byte limit`,
            'chunk',
          );
        }
        this.header = { hash: bytesToHex(head.subarray(0, HASH_BYTES)), size };
      }
      if (this.pendingBytes < this.header.size) return frames;
      frames.push({ hash: this.header.hash, data: this.take(this.header.size) });
      this.header = undefined;
    }
  }

  /** Throws when the stream ended inside a frame. */
  finish(): void {
    if (this.header || this.pendingBytes > 0) {
      throw new NetGuardianError(
        'InvalidArgument',
        'the chunk stream ended inside a chunk (the connection was cut?)',
        'chunk',
      );
    }
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
