/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) for the convergence
 * suite: the same seed gives the same operation sequence, so a failure replays
 * with one command.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i += 1) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** 64 lowercase hex digits: a sha256-like content hash. */
  hex64(): string {
    let out = '';
    for (let i = 0; i < 8; i += 1) out += this.uint32().toString(16).padStart(8, '0');
    return out;
  }
}

/** The seed of the random scenario: `CONVERGENCE_SEED` when set, else random. */
export function seedFromEnv(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`CONVERGENCE_SEED must be a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return seed;
}
