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

/**
 * Golden vectors: the contract between versions. Every device and every version must cut the
 * same bytes at the same places with the default parameters, or chunk reuse between versions
 * breaks: after an upgrade each file edited would be uploaded and stored again chunk by chunk,
 * and a device on the new version would find none of the old version's chunks on the hub or in
 * its own files. A failure here means the chunking changed; update the values only together with
 * a deliberate, versioned change of the chunking, never to make the test pass.
 *
 * This is the one kind of test whose expected values come from the code under test: they were
 * computed once with fastCdc.ts as of commit c876421 and written out here as literal data. What
 * they pin is what that code did, not what the FastCDC paper says.
 */
describe('FastCDC golden vectors for the default parameters (the contract between versions)', () => {
  it('the default parameters are 128 KiB / 512 KiB / 2 MiB', () => {
    expect(DEFAULT_CHUNKING).toEqual({ minSize: 131_072, avgSize: 524_288, maxSize: 2_097_152 });
  });

  const MiB = 1024 * 1024;
  /**
   * 12,480,000 bytes in four sections, so that every kind of cut is pinned:
   * - [0, 6 MiB): xorshift32 bytes, seed 0x5eed: cuts before and after the average size;
   * - [6 MiB, 9 MiB): zero bytes and [9 MiB, 11 MiB): a line of text repeated: no content cut,
   *   so cuts at maxSize;
   * - [11 MiB, end): xorshift32 bytes, seed 0xc0ffee, ending in a last chunk below minSize.
   * Written out here, not shared with the helpers above, so that changing a helper cannot move it.
   */
  function goldenInput(): Uint8Array {
    const out = new Uint8Array(12_480_000);
    const random = (from: number, to: number, seed: number) => {
      let x = seed;
      for (let i = from; i < to; i++) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        out[i] = x >>> 24;
      }
    };
    random(0, 6 * MiB, 0x5eed);
    const line = new TextEncoder().encode(
      'NetGuardian golden vector: the same bytes cut at the same places on every version.\n',
    );
    for (let i = 9 * MiB; i < 11 * MiB; i++) out[i] = line[(i - 9 * MiB) % line.length] as number;
    random(11 * MiB, out.length, 0xc0ffee);
    return out;
  }
  const GOLDEN_INPUT_SHA256 = 'a37ebf1e5da0de150d3ea8d8362e9783b6fda22dce877a6dbbfa1e9c202a8bdc';

  /** [offset, length, SHA-256] of each chunk of the golden input. */
  const GOLDEN_CHUNKS: ReadonlyArray<readonly [number, number, string]> = [
    [0, 702_815, '270367715d66e7a50ed645c9fc467efbb6e369474e4eafdf32bfceee9f6c6dea'],
    [702_815, 755_676, '36ca9e1417c2d94955c362e8d5de8431bab1c96dd57c238256a32c087568aabb'],
    [1_458_491, 702_352, '93f17036842861556e9c2635a627c1888409372e5696659efe371a29234f18d4'],
    [2_160_843, 551_413, '1c8542f1be2356e8e7d3213c754bbd409af45376166265548902a23ce49546fa'],
    [2_712_256, 744_382, 'a72fed9489f75fc56036c5349da1f1211417351950170673db5cfb36fc95ee93'],
    [3_456_638, 713_575, '506f073b0801eb9d8bb8949bd66f703f6513074a56a16cbeeb40f4b2b319e02f'],
    [4_170_213, 614_938, 'c5db20afd503c5e4cb30daad5bfd1b387c44cecca117afec3757eeac758d0a78'],
    [4_785_151, 606_733, '694bf8ca22dd429f4040c40ff9d20f8df9cdc19a84a310e5c5fb68b0194cf813'],
    // Below the average size: a cut under the stricter mask.
    [5_391_884, 186_862, '7db365bf25f511a922a153d4344d45fc21be0c918ffec03d8a624863177bf6a5'],
    // The zeros and the repeated line: no content cut, so maxSize.
    [5_578_746, 2_097_152, '70c0e6b0456e5260b066c44e7a85df35f48658362f8d2c6d627752a12c2b81d5'],
    [7_675_898, 2_097_152, 'e2062ba97f4cca55155f373ef97dabf72d4d5779d45d8cda3e4ba4c1d1b99d6e'],
    [9_773_050, 1_787_801, 'af8aae67f3ef4243d6f356fe4f116e35ecac710b37b57f9ea6668f293662b71d'],
    [11_560_851, 823_402, '549d2a723fcb80ad1e49acec02c4ef82581b63d07f8239a1c0f0ece56bd00af6'],
    // The rest of the input, shorter than minSize.
    [12_384_253, 95_747, '539787a56dd8f0838cf3ecf17138a2304cb73ab140ce6218c31c48d1bb672ffe'],
  ];

  const input = goldenInput();

  it('the golden input is the one the vectors were computed on', () => {
    expect(input.length).toBe(12_480_000);
    expect(createHash('sha256').update(input).digest('hex')).toBe(GOLDEN_INPUT_SHA256);
  });

  // hashFile reads 1 MiB at a time; the cut points must not depend on the read size.
  it.each([
    ['1 MiB', MiB],
    ['64 KiB', 64 * 1024],
    ['100,003 bytes', 100_003],
    ['the whole input', input.length],
  ])('cuts the golden input at the pinned places, read %s at a time', (_label, piece) => {
    const chunker = new Chunker();
    const got: Array<readonly [number, number, string]> = [];
    let offset = 0;
    const take = (chunks: Uint8Array[]) => {
      for (const c of chunks) {
        got.push([offset, c.length, createHash('sha256').update(c).digest('hex')]);
        offset += c.length;
      }
    };
    for (let i = 0; i < input.length; i += piece) take(chunker.push(input.subarray(i, i + piece)));
    take(chunker.end());
    expect(got).toEqual(GOLDEN_CHUNKS);
  });
});
