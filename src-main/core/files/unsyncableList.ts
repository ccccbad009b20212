import { randomUUID } from 'node:crypto';
import type {
  UnsyncableFile,
  UnsyncableFiles,
  UnsyncableReason,
} from '../../../src-shared/unsyncable.js';
import type { SqlExecutor } from '../store/sqlClient.js';

/**
 * The files this device cannot sync, and why (`fs_unsyncable`, migration 0014): the scanner
 * notes what it finds in the folder and cannot record (`local`), the materializer what it
 * received and cannot write here (`remote`). Kept in the store, not in memory, so the count is
 * exact however many there are (a `node_modules` full of symlinks), while memory holds only the
 * first `LISTED_MAX` by path, for `current()`.
 *
 * A row leaves the list when a run that looked at its path did not see it again: each scan or
 * materializer run notes what it found under its own run id, then sweeps the paths it looked at
 * (`sweep`), removing the rows another run left there. So a file that is gone, or syncs now, is
 * no longer listed.
 */

/** Entries kept in memory and shown; `total` counts them all. */
export const LISTED_MAX = 1_000;

/** Rows written per statement while a run notes them. */
const NOTE_BATCH = 500;

/** Where a run looked: exact paths, or each path and everything under it, or the whole folder. */
export type SweepScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'paths'; readonly paths: readonly string[]; readonly subtrees: boolean };

const UPSERT = `
INSERT INTO fs_unsyncable AS u (space_id, side, path, reason, message, run, updated_at)
SELECT $1, x.side, x.path, x.reason, x.message, $2, now()
FROM jsonb_to_recordset($3::jsonb) AS x(side text, path text, reason text, message text)
ON CONFLICT (space_id, side, path) DO UPDATE SET
  reason = excluded.reason, message = excluded.message, run = excluded.run, updated_at = now()`;

const SWEEP_ALL = `DELETE FROM fs_unsyncable WHERE space_id = $1 AND side = $2 AND run <> $3`;

// `path` is COLLATE "C": everything under "a/" sorts in ["a/", "a0") ('0' follows '/').
const SWEEP_PATHS = `
DELETE FROM fs_unsyncable u
WHERE u.space_id = $1 AND u.side = $2 AND u.run <> $3
  AND EXISTS (
    SELECT 1 FROM jsonb_array_elements_text($4::jsonb) AS s(p)
    WHERE u.path = s.p OR ($5 AND u.path > s.p || '/' AND u.path < s.p || '0'))`;

// A received path the store no longer has (deleted since) has nothing left to write here,
// whichever run listed it: a run sweeps only the paths it was given, and none may be given it again.
const SWEEP_DELETED_REMOTE = `
DELETE FROM fs_unsyncable u
WHERE u.space_id = $1 AND u.side = 'remote'
  AND NOT EXISTS (
    SELECT 1 FROM crdt_snapshots s
    WHERE s.space_id = u.space_id AND s.entity_id = u.path AND s.file_exists)`;

const COUNT = `SELECT count(*)::int AS n FROM fs_unsyncable WHERE space_id = $1`;

const HEAD = `
SELECT side, path, reason, message FROM fs_unsyncable WHERE space_id = $1
ORDER BY path, side LIMIT $2`;

interface Row {
  readonly side: 'local' | 'remote';
  readonly path: string;
  readonly reason: UnsyncableReason;
  readonly message: string;
}

export class UnsyncableList {
  private snapshot: UnsyncableFiles = { total: 0, files: [] };

  constructor(
    private readonly db: SqlExecutor,
    readonly spaceId: string,
  ) {}

  /** A new run's id: what it notes survives its own sweeps. */
  newRun(): string {
    return randomUUID();
  }

  /** Records files found unsyncable by `run` (the last note of a path wins). */
  async note(run: string, files: readonly UnsyncableFile[]): Promise<void> {
    const unique = [...new Map(files.map((f) => [`${f.side}\u0000${f.path}`, f])).values()];
    for (let i = 0; i < unique.length; i += NOTE_BATCH) {
      const part = unique.slice(i, i + NOTE_BATCH).map((f) => ({
        side: f.side,
        path: f.path,
        reason: f.reason,
        message: f.message,
      }));
      await this.db.query(UPSERT, [this.spaceId, run, JSON.stringify(part)]);
    }
  }

  /** Removes the rows of `side` in `scope` that `run` did not note, then refreshes `current()`. */
  async sweep(run: string, side: UnsyncableFile['side'], scope: SweepScope): Promise<void> {
    if (scope.kind === 'all') await this.db.query(SWEEP_ALL, [this.spaceId, side, run]);
    else if (scope.paths.length > 0)
      await this.db.query(SWEEP_PATHS, [
        this.spaceId,
        side,
        run,
        JSON.stringify(scope.paths),
        scope.subtrees,
      ]);
    if (side === 'remote') await this.db.query(SWEEP_DELETED_REMOTE, [this.spaceId]);
    await this.refresh();
  }

  /** Reads the count and the first `LISTED_MAX` entries (by path) again. */
  async refresh(): Promise<void> {
    const [count] = await this.db.query<{ n: number }>(COUNT, [this.spaceId]);
    const rows = await this.db.query<Row>(HEAD, [this.spaceId, LISTED_MAX]);
    this.snapshot = {
      total: Number(count?.n ?? 0),
      files: rows.map((r) => ({
        path: r.path,
        reason: r.reason,
        message: r.message,
        side: r.side,
      })),
    };
  }

  /** The list as last read: exact `total`, at most `LISTED_MAX` files in path order. */
  current(): UnsyncableFiles {
    return this.snapshot;
  }
}

/**
 * What one scan or materializer run found, written to the list as it goes (at most a few hundred
 * held at a time, whatever the folder holds) and swept when the run ends. `add` is synchronous so
 * that any step of a run can call it; the writes it starts are chained and awaited by `finish`,
 * which also reports their failure.
 */
export class UnsyncableRun {
  readonly run: string;
  private pending: UnsyncableFile[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly list: UnsyncableList | undefined) {
    this.run = list?.newRun() ?? '';
  }

  add(file: UnsyncableFile): void {
    if (!this.list) return;
    this.pending.push(file);
    if (this.pending.length >= NOTE_BATCH) this.write();
  }

  private write(): void {
    const list = this.list;
    if (!list || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const previous = this.writing;
    this.writing = previous.then(() => list.note(this.run, batch));
    // Awaited by `finish`; a failure meanwhile must not count as unhandled.
    this.writing.catch(() => undefined);
  }

  /** Writes what is pending, then removes what this run did not see again in `scope`. */
  async finish(side: UnsyncableFile['side'], scope: SweepScope): Promise<void> {
    if (!this.list) return;
    this.write();
    await this.writing;
    await this.list.sweep(this.run, side, scope);
  }
}
