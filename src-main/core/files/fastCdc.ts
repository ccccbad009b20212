/**
 * FastCDC content-defined chunking (Xia et al., USENIX ATC 2016): a gear
 * rolling hash cuts where its top bits are zero, with a stricter mask before
 * the normal size and a looser one after ("normalized chunking"), so chunk
 * sizes cluster around the average. Boundaries depend only on nearby bytes:
 * inserting a byte in a large file changes one or two chunks, not all.
 *
 * Pure: works on byte arrays; the caller streams the file through `Chunker`.
 */

export interface ChunkingParams {
  readonly minSize: number;
  readonly avgSize: number;
  readonly maxSize: number;
}

/** 128 KiB / 512 KiB / 2 MiB: a 100 MiB file is ~200 chunks; a small file is one. */
export const DEFAULT_CHUNKING: ChunkingParams = {
  minSize: 128 * 1024,
  avgSize: 512 * 1024,
  maxSize: 2 * 1024 * 1024,
};

/** Gear table from a fixed seed (xorshift32): boundaries must be the same on every device and version. */
const GEAR: Uint32Array = (() => {
  const table = new Uint32Array(256);
  let x = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    table[i] = x;
  }
  return table;
})();

/** A mask of the top `bits` bits: with the shift-left gear hash, high bits carry the most history. */
const topBits = (bits: number): number =>
  bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;

export function validateParams(p: ChunkingParams): void {
  const pow2 = (n: number) => Number.isInteger(Math.log2(n));
  if (!(p.minSize > 0 && p.minSize <= p.avgSize && p.avgSize <= p.maxSize) || !pow2(p.avgSize)) {
    throw new Error(
      `invalid chunking parameters ${JSON.stringify(p)}: need 0 < min <= avg <= max, avg a power of two`,
    );
  }
}

/**
 * Length of the first chunk of `data[start, end)`, which must hold at least
 * `maxSize` bytes unless it is the end of the input (`final`).
 */
export function cutPoint(
  data: Uint8Array,
  start: number,
  end: number,
  p: ChunkingParams,
  final: boolean,
): number {
  const available = end - start;
  if (available <= p.minSize) return final ? available : -1;
  if (!final && available < p.maxSize) return -1;
  const bits = Math.log2(p.avgSize);
  const maskS = topBits(bits + 2);
  const maskL = topBits(bits - 2);
  const normal = Math.min(p.avgSize, available);
  const limit = Math.min(p.maxSize, available);
  let fp = 0;
  let i = p.minSize;
  for (; i < normal; i++) {
    fp = ((fp << 1) + (GEAR[data[start + i] as number] as number)) >>> 0;
    if ((fp & maskS) === 0) return i + 1;
  }
  for (; i < limit; i++) {
    fp = ((fp << 1) + (GEAR[data[start + i] as number] as number)) >>> 0;
    if ((fp & maskL) === 0) return i + 1;
  }
  return limit;
}

/**
 * Streaming chunker: feed buffers in order, get back complete chunks. Holds
 * at most `maxSize` + one input buffer of bytes.
 */
export class Chunker {
  private pending: Uint8Array = new Uint8Array(0);
  constructor(private readonly params: ChunkingParams = DEFAULT_CHUNKING) {
    validateParams(params);
  }

  push(data: Uint8Array): Uint8Array[] {
    this.pending = this.pending.length === 0 ? data : concat(this.pending, data);
    return this.drain(false);
  }

  end(): Uint8Array[] {
    return this.drain(true);
  }

  private drain(final: boolean): Uint8Array[] {
    const out: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      if (offset === this.pending.length) break;
      const n = cutPoint(this.pending, offset, this.pending.length, this.params, final);
      if (n < 0) break;
      out.push(this.pending.subarray(offset, offset + n));
      offset += n;
    }
    // Copy the tail so emitted chunks (views) stay valid while we keep buffering.
    this.pending = offset === 0 ? this.pending : this.pending.slice(offset);
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
