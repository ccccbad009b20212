/**
 * The one small interface every state-based CRDT here implements, so that a new
 * CRDT type is one new file. `merge` must be commutative, associative and
 * idempotent; the property tests in `crdtLaws.unit.test.ts` prove it for each
 * implementation.
 *
 * Implementations are immutable values: `set` and `merge` return a new instance.
 */
export interface Crdt<TValue, TSelf extends Crdt<TValue, TSelf>> {
  get(): TValue;
  merge(other: TSelf): TSelf;
  /** Structural equality of the replicated state (not object identity). */
  equals(other: TSelf): boolean;
}
