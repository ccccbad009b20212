import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChunkFrameParts, ChunkFrameReader, frameHeader } from './chunkFrames.js';

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const frame = (data: Uint8Array) => Buffer.concat([frameHeader(sha(data), data.length), data]);

/** Reads `stream` cut into pieces of `size` bytes: each chunk as (hash, size, bytes joined). */
function readInPieces(stream: Buffer, size: number, max = 1024) {
  const parts = new ChunkFrameParts(max);
  const chunks: { hash: string; size: number; bytes: Buffer; pieces: number }[] = [];
  for (let i = 0; i < stream.length; i += size)
    for (const part of parts.push(stream.subarray(i, i + size))) {
      if (part.kind === 'head') chunks.push({ ...part, bytes: Buffer.alloc(0), pieces: 0 });
      else if (part.kind === 'bytes') {
        const last = chunks[chunks.length - 1];
        if (!last) throw new Error('bytes before a head');
        last.bytes = Buffer.concat([last.bytes, part.data]);
        last.pieces += 1;
      }
    }
  parts.finish();
  return chunks;
}

describe('ChunkFrameParts', () => {
  const a = Buffer.from('the first chunk');
  const empty = Buffer.alloc(0);
  const b = Buffer.from('x'.repeat(300));
  const stream = Buffer.concat([frame(a), frame(empty), frame(b)]);

  it('hands out each chunk as its head, its bytes as they come, and its end, however the stream is cut', () => {
    for (const size of [1, 7, 36, 37, 100, stream.length]) {
      const chunks = readInPieces(stream, size);
      expect(
        chunks.map((c) => [c.hash, c.size, c.bytes.toString()]),
        `pieces of ${size}`,
      ).toEqual([
        [sha(a), 15, 'the first chunk'],
        [sha(empty), 0, ''],
        [sha(b), 300, 'x'.repeat(300)],
      ]);
    }
    // Cut in bytes, the 300-byte chunk arrives in 300 parts: never held whole.
    expect(readInPieces(stream, 1)[2]?.pieces).toBe(300);
  });

  it('ends every frame once, and reads what ChunkFrameReader reads', () => {
    const parts = new ChunkFrameParts(1024);
    const kinds = parts.push(stream).map((p) => p.kind);
    expect(kinds.filter((k) => k === 'head')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'end')).toHaveLength(3);
    const whole = new ChunkFrameReader(1024).push(stream);
    expect(whole.map((f) => f.hash)).toEqual([sha(a), sha(empty), sha(b)]);
  });

  it('refuses a chunk over the limit before its bytes, and a stream cut inside a frame', () => {
    expect(() => new ChunkFrameParts(100).push(frame(b))).toThrow(
      /a chunk of 300 bytes is over the 100-byte limit/,
    );
    const cut = new ChunkFrameParts(1024);
    cut.push(frame(a).subarray(0, 40));
    expect(() => cut.finish()).toThrow(/the chunk stream ended inside a chunk/);
    const inHeader = new ChunkFrameParts(1024);
    inHeader.push(frame(a).subarray(0, 10));
    expect(() => inHeader.finish()).toThrow(/ended inside a chunk/);
  });
});
