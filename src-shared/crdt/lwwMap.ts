import type { Json } from '../json.js';
import type { Crdt } from './crdt.js';
import type { Hlc } from './hlc.js';
import { LwwRegister, type LwwRegisterJson } from './lwwRegister.js';

export type LwwMapJson = Readonly<Record<string, LwwRegisterJson<Json>>>;

/**
 * A map of independent LWW registers, one per field: a file's free-form metadata
 * (the seed's `updates`). Concurrent writes to different fields both survive;
 * writes to the same field resolve by (hlc, node id). Removing a field is
 * writing `null` to it, so a removal also merges by LWW.
 */
export class LwwMap implements Crdt<Readonly<Record<string, Json>>, LwwMap> {
  private readonly fields: ReadonlyMap<string, LwwRegister<Json>>;

  private constructor(fields: ReadonlyMap<string, LwwRegister<Json>>) {
    this.fields = fields;
  }

  static empty(): LwwMap {
    return new LwwMap(new Map());
  }

  static fromJSON(json: LwwMapJson): LwwMap {
    const fields = new Map<string, LwwRegister<Json>>();
    for (const [k, reg] of Object.entries(json)) fields.set(k, LwwRegister.fromJSON(reg));
    return new LwwMap(fields);
  }

  /** Current values; fields whose winning write is `null` are left out. */
  get(): Readonly<Record<string, Json>> {
    const out: Record<string, Json> = {};
    for (const key of [...this.fields.keys()].sort()) {
      const value = (this.fields.get(key) as LwwRegister<Json>).value;
      if (value !== null) out[key] = value;
    }
    return out;
  }

  getField(key: string): LwwRegister<Json> | undefined {
    return this.fields.get(key);
  }

  set(key: string, value: Json, hlc: Hlc): LwwMap {
    const current = this.fields.get(key);
    const next = new Map(this.fields);
    next.set(key, current ? current.set(value, hlc) : new LwwRegister(value, hlc));
    return new LwwMap(next);
  }

  /** `set` of every entry, with one copy of the map instead of one per field. */
  setAll(values: Readonly<Record<string, Json>>, hlc: Hlc): LwwMap {
    const next = new Map(this.fields);
    for (const [key, value] of Object.entries(values)) {
      const current = next.get(key);
      next.set(key, current ? current.set(value, hlc) : new LwwRegister(value, hlc));
    }
    return new LwwMap(next);
  }

  merge(other: LwwMap): LwwMap {
    const next = new Map(this.fields);
    for (const [key, reg] of other.fields) {
      const mine = next.get(key);
      next.set(key, mine ? mine.merge(reg) : reg);
    }
    return new LwwMap(next);
  }

  equals(other: LwwMap): boolean {
    if (this.fields.size !== other.fields.size) return false;
    for (const [key, reg] of this.fields) {
      const theirs = other.fields.get(key);
      if (!theirs || !reg.equals(theirs)) return false;
    }
    return true;
  }

  toJSON(): LwwMapJson {
    const out: Record<string, LwwRegisterJson<Json>> = {};
    for (const key of [...this.fields.keys()].sort())
      out[key] = (this.fields.get(key) as LwwRegister<Json>).toJSON();
    return out;
  }
}
