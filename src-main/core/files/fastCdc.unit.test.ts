import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Chunker, cutPoint, DEFAULT_CHUNKING, type ChunkingParams } from './fastCdc.js';

/** Deterministic pseudo-random bytes (xorshift32), so failures replay. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const hashes = (chunks: Uint8Array[]) =>
  chunks.map((c) => createHash('sha256').update(c).digest('hex'));

function chunkAll(data: Uint8Array, params: ChunkingParams, piece: number): Uint8Array[] {
  const chunker = new Chunker(params);
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += piece)
    out.push(...chunker.push(data.slice(i, i + piece)).map((c) => c.slice()));
  out.push(...chunker.end());
  return out;
}

const SMALL: ChunkingParams = { minSize: 2048, avgSize: 8192, maxSize: 32768 };

describe('FastCDC chunker', () => {
  it('reassembles to the input and respects min/max sizes', () => {
    const data = bytes(1_000_000, 7);
    const chunks = chunkAll(data, SMALL, 10_000);
    expect(Buffer.concat(chunks).equals(Buffer.from(data))).toBe(true);
    chunks.slice(0, -1).forEach((c) => {
      expect(c.length).toBeGreaterThanOrEqual(SMALL.minSize);
      expect(c.length).toBeLessThanOrEqual(SMALL.maxSize);
    });
    const avg = data.length / chunks.length;
    expect(avg).toBeGreaterThan(SMALL.minSize);
    expect(avg).toBeLessThan(SMALL.maxSize);
  });

  it('gives the same boundaries whatever the read size', () => {
    const data = bytes(400_000, 11);
    const a = hashes(chunkAll(data, SMALL, 1_000));
    const b = hashes(chunkAll(data, SMALL, 65_536));
    const c = hashes(chunkAll(data, SMALL, data.length));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('an insertion in the middle changes only the chunks around it', () => {
    const data = bytes(2_000_000, 3);
    const edited = new Uint8Array(data.length + 1);
    edited.set(data.subarray(0, 1_000_000), 0);
    edited[1_000_000] = 42;
    edited.set(data.subarray(1_000_000), 1_000_001);
    const before = new Set(hashes(chunkAll(data, SMALL, 50_000)));
    const after = hashes(chunkAll(edited, SMALL, 50_000));
    const changed = after.filter((h) => !before.has(h)).length;
    expect(changed).toBeGreaterThanOrEqual(1);
    expect(changed).toBeLessThanOrEqual(3);
  });

  it('a small file is a single chunk; empty input gives no chunk', () => {
    expect(chunkAll(bytes(3000, 5), DEFAULT_CHUNKING, 1000)).toHaveLength(1);
    expect(chunkAll(new Uint8Array(0), DEFAULT_CHUNKING, 1000)).toHaveLength(0);
  });

  it('waits for more input until it can decide a cut', () => {
    const data = bytes(SMALL.maxSize - 1, 9);
    expect(cutPoint(data, 0, data.length, SMALL, false)).toBe(-1);
    expect(cutPoint(data, 0, data.length, SMALL, true)).toBeGreaterThan(0);
  });

  it('refuses parameters that cannot work', () => {
    expect(() => new Chunker({ minSize: 10, avgSize: 1000, maxSize: 5000 })).toThrow(
      /power of two/,
    );
    expect(() => new Chunker({ minSize: 4096, avgSize: 1024, maxSize: 8192 })).toThrow(/invalid/);
  });
});
