import type { SqlClient } from './sqlClient.js';

/** Rows changed before a re-analyze is considered, whatever the table's size. */
const MIN_CHANGED_ROWS = 1_000;
/**
 * Share of the rows at the last analyze that must have changed: as many as there were, so a
 * growing store is analyzed each time it doubles. Autovacuum uses 10%, which analyzed a first
 * pull of 10,000 files ten times (1.2 s of the receiving daemon's 9.6 s of CPU); the planner
 * scales its row estimates by a table's current size in pages anyway, so what must not go stale
 * is the order of magnitude, and doubling keeps it for about twice the cost of one analyze of
 * the final size in all.
 */
const CHANGED_FRACTION = 1;

const ANALYZE = 'ANALYZE crdt_snapshots; ANALYZE fs_index; ANALYZE crdt_events;';
const COUNT_SNAPSHOTS = 'SELECT count(*)::float8 AS n FROM crdt_snapshots';

/**
 * A device's PGlite has no autovacuum, so nothing refreshes the planner's statistics: a store
 * analyzed when it was empty (migration 0011) keeps planning for a few hundred rows at 100,000,
 * and sorts every path instead of reading the path index. The device reports how many entities
 * each scan or pull changed; once that reaches the threshold (as many as the rows at the last
 * analyze, at least 1,000) the tables are analyzed again. ANALYZE samples a bounded number of
 * rows, so one costs seconds at most, and only after large changes.
 */
export class PlannerStatistics {
  private changedSinceAnalyze = 0;
  private rowsAtAnalyze: number;
  private running: Promise<boolean> | undefined;

  constructor(
    private readonly client: SqlClient,
    rowsAtStart = 0,
  ) {
    this.rowsAtAnalyze = rowsAtStart;
  }

  /** Counts changed entities; analyzes when enough changed. Resolves true when it analyzed. */
  async noteChanges(changedRows: number): Promise<boolean> {
    this.changedSinceAnalyze += changedRows;
    const threshold = Math.max(MIN_CHANGED_ROWS, this.rowsAtAnalyze * CHANGED_FRACTION);
    if (this.running || this.changedSinceAnalyze < threshold) return false;
    this.running = this.analyze();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async analyze(): Promise<boolean> {
    this.changedSinceAnalyze = 0;
    await this.client.exec(ANALYZE);
    const rows = await this.client.query<{ n: number }>(COUNT_SNAPSHOTS);
    this.rowsAtAnalyze = rows[0]?.n ?? 0;
    return true;
  }
}
