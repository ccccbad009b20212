import type { SqlClient } from './sqlClient.js';

/** Rows changed before a re-analyze is considered, whatever the table's size. */
const MIN_CHANGED_ROWS = 1_000;
/** Share of the rows at the last analyze that must have changed (autovacuum's default is 10%). */
const CHANGED_FRACTION = 0.1;

const ANALYZE = 'ANALYZE crdt_snapshots; ANALYZE fs_index; ANALYZE crdt_events;';
const COUNT_SNAPSHOTS = 'SELECT count(*)::float8 AS n FROM crdt_snapshots';

/**
 * A device's PGlite has no autovacuum, so nothing refreshes the planner's statistics: a store
 * analyzed when it was empty (migration 0011) keeps planning for a few hundred rows at 100,000,
 * and sorts every path instead of reading the path index. The device reports how many entities
 * each scan or pull changed; once that reaches autovacuum's threshold (10% of the rows at the
 * last analyze, at least 1,000) the tables are analyzed again. ANALYZE samples a bounded number
 * of rows, so one costs seconds at most, and only after large changes.
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
