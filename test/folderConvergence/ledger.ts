/**
 * Every content the harness wrote into a folder, by SHA-256, for invariant 2
 * ("nothing lost"): each must end up reachable. A version the product could never
 * have seen is exempt, and the ledger says why:
 *
 * - written while its device's app was closed and overwritten (or removed) before
 *   the app opened again: no program ever read it;
 * - written while the hub was unreachable and gone from its device's folder by the
 *   time the hub came back: its event was recorded but its chunks can only be read
 *   from the device's files, so they were never sent (ARCHITECTURE.md §8, "Limit").
 *
 * Everything else is required, and the harness waits for each required version to
 * reach the hub before it lets a later op supersede it, so the race "overwritten
 * before the push read it" (the same limit) is not counted against the product.
 */

export interface Written {
  readonly hash: string;
  readonly size: number;
  /** Index of the op in the run's list. */
  readonly step: number;
  readonly d: number;
  readonly path: string;
  exempt?: string;
}

export class Ledger {
  readonly entries: Written[] = [];
  /** Per device: written while its app was closed, not looked at since. */
  private readonly unseen = new Map<number, Written[]>();
  /** Per device: recorded while the hub was unreachable, not known to be on the hub. */
  private readonly unsent = new Map<number, Written[]>();

  add(w: Omit<Written, 'exempt'>): Written {
    const entry: Written = { ...w };
    this.entries.push(entry);
    return entry;
  }

  noteUnseen(w: Written): void {
    this.unseen.set(w.d, [...(this.unseen.get(w.d) ?? []), w]);
  }

  noteUnsent(w: Written): void {
    this.unsent.set(w.d, [...(this.unsent.get(w.d) ?? []), w]);
  }

  /** The device's app opens: its unseen writes are handed over (and forgotten here). */
  takeUnseen(d: number): Written[] {
    const out = this.unseen.get(d) ?? [];
    this.unseen.delete(d);
    return out;
  }

  takeUnsent(d: number): Written[] {
    const out = this.unsent.get(d) ?? [];
    this.unsent.delete(d);
    return out;
  }

  get required(): Written[] {
    return this.entries.filter((w) => w.exempt === undefined);
  }

  get exempt(): Written[] {
    return this.entries.filter((w) => w.exempt !== undefined);
  }
}
