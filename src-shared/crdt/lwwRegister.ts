import { canonicalJson, type Json } from '../json.js';
import type { Crdt } from './crdt.js';
import { compareHlc, type Hlc } from './hlc.js';

export interface LwwRegisterJson<T extends Json> {
  readonly value: T;
  readonly hlc: Hlc;
}

/**
 * Last-writer-wins register: the value written at the greatest (hlc, node id)
 * wins. Two writes with the very same timestamp can only come from a buggy or
 * hostile peer; the canonical JSON text breaks that tie so merge stays
 * commutative anyway.
 */
export class LwwRegister<T extends Json> implements Crdt<T, LwwRegister<T>> {
  readonly value: T;
  readonly hlc: Hlc;

  constructor(value: T, hlc: Hlc) {
    this.value = value;
    this.hlc = hlc;
  }

  static fromJSON<T extends Json>(json: LwwRegisterJson<T>): LwwRegister<T> {
    return new LwwRegister(json.value, json.hlc);
  }

  get(): T {
    return this.value;
  }

  /** Returns a register holding `value` if `hlc` is newer than ours; otherwise ours. */
  set(value: T, hlc: Hlc): LwwRegister<T> {
    return this.merge(new LwwRegister(value, hlc));
  }

  merge(other: LwwRegister<T>): LwwRegister<T> {
    const order = compareHlc(this.hlc, other.hlc);
    if (order !== 0) return order > 0 ? this : other;
    return canonicalJson(this.value) >= canonicalJson(other.value) ? this : other;
  }

  equals(other: LwwRegister<T>): boolean {
    return (
      compareHlc(this.hlc, other.hlc) === 0 &&
      canonicalJson(this.value) === canonicalJson(other.value)
    );
  }

  toJSON(): LwwRegisterJson<T> {
    return { value: this.value, hlc: this.hlc };
  }
}
