import type { Stats } from 'node:fs';
import type { VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import type { ChunkRef } from '../../../src-shared/events/event.js';
import type { SqlExecutor } from '../store/sqlClient.js';

export type IndexKind = 'file' | 'dir';

/** The lstat fields that tell whether a file changed since it was indexed. */
export interface DiskStat {
  readonly size: number;
  readonly mtimeMs: number;
  /** Text: inode numbers may exceed 2^53. */
  readonly ino: string;
  /** Full st_mode (type and permission bits). */
  readonly mode: number;
}

/** One row of `fs_index` (migration 0008): what this device last saw on disk, or wrote itself. */
export interface IndexEntry extends DiskStat {
  /** Entity id: relative POSIX path, NFC. */
  readonly path: string;
  readonly kind: IndexKind;
  /** SHA-256 of the content (files). */
  readonly hash: string | null;
  /**
   * The content's chunks; `null` when not loaded (`all()`) or for folders. Stored as NULL when
   * the file is one chunk, the whole file (most files: under 1 MiB): `hash` and `size` say it.
   */
  readonly chunks: readonly ChunkRef[] | null;
  /** Version vector of the version the disk content came from (the basis of the next local change). */
  readonly versionClock: VectorClockJson | null;
}

/** Where a chunk's bytes sit in a file this device holds. */
export interface ChunkLocation {
  readonly path: string;
  readonly offset: number;
  readonly size: number;
}

export const diskStatOf = (st: Stats): DiskStat => ({
  size: st.size,
  mtimeMs: st.mtimeMs,
  ino: String(st.ino),
  mode: st.mode,
});

/** Whether a file on disk is exactly as indexed (so it need not be hashed again). */
export const sameStat = (entry: DiskStat, st: DiskStat): boolean =>
  sameContentStat(entry, st) && entry.mode === st.mode;

/** Whether a file's content is as indexed, as far as lstat tells (its mode may differ). */
export const sameContentStat = (entry: DiskStat, st: DiskStat): boolean =>
  entry.size === st.size && entry.mtimeMs === st.mtimeMs && entry.ino === st.ino;

/** Whether what is on disk (lstat, or undefined for nothing) is exactly what the index says. */
export function matchesDisk(st: Stats | undefined, indexed: IndexEntry | undefined): boolean {
  if (!st) return indexed === undefined;
  if (st.isFile()) return indexed?.kind === 'file' && sameStat(indexed, diskStatOf(st));
  if (st.isDirectory()) return indexed?.kind === 'dir';
  return false;
}

/** The index entry for what is at `path` now. */
export function indexEntryOf(
  path: string,
  st: Stats,
  hash: string | null,
  chunks: IndexEntry['chunks'],
  versionClock: IndexEntry['versionClock'],
): IndexEntry {
  return {
    path,
    kind: st.isDirectory() ? 'dir' : 'file',
    ...diskStatOf(st),
    hash,
    chunks,
    versionClock,
  };
}

/** A folder's own entries, and the folders in it only deeper rows imply (`FileIndex.children`). */
export interface FolderEntries {
  readonly entries: Map<string, IndexEntry>;
  /** Paths of folders in it that have no row of their own but rows under them. */
  readonly implied: readonly string[];
}

/** An entry without its JSONB columns, as `all` and `children` read it. */
type CompactRow = [string, IndexKind, number | string, number, string, number, string | null];
const fromCompact = ([path, kind, size, mtimeMs, ino, mode, hash]: CompactRow): IndexEntry => ({
  path,
  kind,
  size: Number(size),
  mtimeMs,
  ino,
  mode,
  hash,
  chunks: null,
  versionClock: null,
});

/** Rows per statement: each batch is one JSONB parameter. */
const BATCH = 10_000;

const COLUMNS = `path, kind, size, mtime_ms, ino, mode, hash, chunks, version_clock`;
const asJsonArray = (select: string) =>
  `SELECT coalesce(json_agg(t ORDER BY t.path), '[]')::text AS rows FROM (${select}) t`;

// The folder's size as last seen on disk (trash retention's basis): one pass over the space's rows.
const SUM_FILE_BYTES = `
SELECT coalesce(sum(size), 0)::text AS bytes FROM fs_index WHERE space_id = $1 AND kind = 'file'`;

// Compact arrays without the JSONB columns: a rescan of 10,000 files loads this.
const SELECT_ALL_STATS = `
SELECT coalesce(json_agg(json_build_array(path, kind, size, mtime_ms, ino, mode, hash)), '[]')::text AS rows
FROM fs_index WHERE space_id = $1`;
const SELECT_MANY = asJsonArray(
  `SELECT ${COLUMNS} FROM fs_index
   WHERE space_id = $1 AND path IN (SELECT jsonb_array_elements_text($2::jsonb))`,
);
// `path` is COLLATE "C": everything under "a/" sorts in ["a/", "a0") ('0' follows '/').
const SELECT_TREE = asJsonArray(
  `SELECT ${COLUMNS} FROM fs_index
   WHERE space_id = $1 AND (path = $2 OR (path > $2 || '/' AND path < $2 || '0'))`,
);
const SELECT_ALL = asJsonArray(`SELECT ${COLUMNS} FROM fs_index WHERE space_id = $1`);
/**
 * One folder's entries ($2, '' for the root), stat fields only, and the names of folders in it
 * that only deeper rows imply (a row under `d/x/` with none for `d/x`): what a full scan
 * compares one folder against. Rows under the folder are read (the range on `path`), only its
 * own entries are returned.
 */
const childrenSql = (root: boolean) => `
WITH sub AS (
  SELECT path, kind, size, mtime_ms, ino, mode, hash,
         ${root ? 'path' : 'substr(path, length($2) + 2)'} AS rest
  FROM fs_index
  WHERE space_id = $1 ${root ? '' : `AND path > $2 || '/' AND path < $2 || '0'`}
)
SELECT
  (SELECT coalesce(json_agg(json_build_array(path, kind, size, mtime_ms, ino, mode, hash)), '[]')
     FROM sub WHERE strpos(rest, '/') = 0)::text AS own,
  (SELECT coalesce(json_agg(DISTINCT split_part(rest, '/', 1)), '[]')
     FROM sub WHERE strpos(rest, '/') > 0)::text AS implied`;
const SELECT_CHILDREN_OF_ROOT = childrenSql(true);
const SELECT_CHILDREN = childrenSql(false);
/** A page of a folder's subtree, itself included, after a path (keyset: bounded memory). */
const SELECT_TREE_PAGE = asJsonArray(
  `SELECT ${COLUMNS} FROM fs_index
   WHERE space_id = $1 AND (path = $2 OR (path > $2 || '/' AND path < $2 || '0')) AND path > $3
   ORDER BY path LIMIT $4`,
);

const UPSERT = `
INSERT INTO fs_index AS f (space_id, ${COLUMNS}, updated_at)
SELECT $1, ${COLUMNS}, now()
FROM jsonb_to_recordset($2::jsonb) AS x(path text, kind text, size bigint, mtime_ms float8,
  ino text, mode integer, hash text, chunks jsonb, version_clock jsonb)
ON CONFLICT (space_id, path) DO UPDATE SET
  kind = excluded.kind, size = excluded.size, mtime_ms = excluded.mtime_ms, ino = excluded.ino,
  mode = excluded.mode, hash = excluded.hash, chunks = excluded.chunks,
  version_clock = excluded.version_clock, updated_at = now()`;

const DELETE_MANY = `
DELETE FROM fs_index WHERE space_id = $1 AND path IN (SELECT jsonb_array_elements_text($2::jsonb))`;

// `= ANY(ARRAY(...))` probes fs_index_hash once per hash. The `IN (SELECT ...)` form was planned,
// on a never-ANALYZEd PGlite table, as a nested loop re-expanding the JSON array for every row:
// 6.6 s instead of 12 ms for 2,000 hashes over 10,000 files.
const SELECT_BY_CONTENT = asJsonArray(
  `SELECT ${COLUMNS} FROM fs_index
   WHERE space_id = $1 AND kind = 'file' AND hash = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`,
);

// Candidates through the GIN index (one containment probe per wanted hash), then
// each candidate's chunk list is expanded to find the chunk's byte offset. Files
// that are one chunk have no list (toRow): `findChunks` finds them by content hash.
// MATERIALIZED keeps the planner from walking the primary key in path order
// instead (for the window) and testing every row against every hash: 1.2 s
// instead of 25 ms for 256 hashes over 10,000 files.
const SELECT_CHUNK_LOCATIONS = `
WITH wanted AS (SELECT DISTINCT h FROM jsonb_array_elements_text($2::jsonb) AS w(h)),
candidates AS MATERIALIZED (
  SELECT i.path, i.chunks FROM fs_index i
  WHERE i.space_id = $1 AND i.kind = 'file'
    AND i.chunks @> ANY (ARRAY(SELECT jsonb_build_array(jsonb_build_object('hash', h)) FROM wanted))
),
expanded AS (
  SELECT c.path, e->>'hash' AS hash, (e->>'size')::bigint AS size,
         sum((e->>'size')::bigint) OVER (PARTITION BY c.path ORDER BY n) - (e->>'size')::bigint AS off
  FROM candidates c CROSS JOIN LATERAL jsonb_array_elements(c.chunks) WITH ORDINALITY AS t(e, n)
)
SELECT coalesce(json_agg(json_build_array(x.hash, x.path, x.off, x.size) ORDER BY x.path, x.off), '[]')::text AS rows
FROM expanded x WHERE x.hash IN (SELECT h FROM wanted)`;

interface Row {
  path: string;
  kind: IndexKind;
  size: number | string;
  mtime_ms: number;
  ino: string;
  mode: number;
  hash: string | null;
  chunks?: ChunkRef[] | null;
  version_clock: VectorClockJson | null;
}

const fromRow = (r: Row): IndexEntry => ({
  path: r.path,
  kind: r.kind,
  size: Number(r.size),
  mtimeMs: r.mtime_ms,
  ino: r.ino,
  mode: r.mode,
  hash: r.hash,
  chunks:
    r.chunks ??
    (r.kind === 'file' && r.hash !== null ? [{ hash: r.hash, size: Number(r.size) }] : null),
  versionClock: r.version_clock,
});

const toRow = (e: IndexEntry): Row => ({
  path: e.path,
  kind: e.kind,
  size: e.size,
  mtime_ms: e.mtimeMs,
  ino: e.ino,
  mode: e.mode,
  hash: e.hash,
  chunks:
    e.chunks && !isWholeFileChunk(e) ? e.chunks.map((c) => ({ hash: c.hash, size: c.size })) : null,
  version_clock: e.versionClock,
});

/**
 * Whether the file is one chunk holding all of it: stored as NULL, since `hash` and `size` say
 * the same (about 100 bytes a row and the GIN entry; 101,000 small files: 10 MiB of 30).
 */
const isWholeFileChunk = (e: IndexEntry): boolean =>
  e.kind === 'file' &&
  e.chunks?.length === 1 &&
  e.chunks[0]?.hash === e.hash &&
  e.chunks[0]?.size === e.size;

/** Hashes per chunk-list statement: each hash is one GIN lookup (~0.1 ms). */
const CHUNK_PROBES = 2_000;

/** Each chunk of an indexed file with its byte offset. */
export function* chunkLocations(entry: IndexEntry): Generator<[string, ChunkLocation]> {
  let offset = 0;
  for (const c of entry.chunks ?? []) {
    yield [c.hash, { path: entry.path, offset, size: c.size }];
    offset += c.size;
  }
}

function* slices<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * The `fs_index` rows of one space. Every batch operation is one statement
 * per 10,000 entries (a JSONB parameter expanded in SQL).
 */
export class FileIndex {
  constructor(
    private readonly db: SqlExecutor,
    readonly spaceId: string,
  ) {}

  async get(path: string): Promise<IndexEntry | undefined> {
    return (await this.getMany([path])).get(path);
  }

  async getMany(paths: readonly string[]): Promise<Map<string, IndexEntry>> {
    const out = new Map<string, IndexEntry>();
    for (const part of slices([...new Set(paths)], BATCH)) {
      for (const e of await this.select(SELECT_MANY, [this.spaceId, JSON.stringify(part)]))
        out.set(e.path, e);
    }
    return out;
  }

  /** Inserts or replaces entries (the last one wins when a path repeats). */
  async upsertMany(entries: readonly IndexEntry[]): Promise<void> {
    const unique = [...new Map(entries.map((e) => [e.path, e])).values()];
    for (const part of slices(unique, BATCH)) {
      await this.db.query(UPSERT, [this.spaceId, JSON.stringify(part.map(toRow))]);
    }
  }

  async deleteMany(paths: readonly string[]): Promise<void> {
    for (const part of slices([...new Set(paths)], BATCH)) {
      await this.db.query(DELETE_MANY, [this.spaceId, JSON.stringify(part)]);
    }
  }

  /** Entries in path order: all of them, or `prefix` itself and everything under `prefix/`. */
  async list(prefix?: string): Promise<IndexEntry[]> {
    if (prefix === undefined || prefix === '') return this.select(SELECT_ALL, [this.spaceId]);
    return this.select(SELECT_TREE, [this.spaceId, prefix]);
  }

  /**
   * One folder's own entries by path (stat fields only, as `all`), and the names of folders in
   * it that deeper rows imply without a row of their own. What a full scan compares each folder
   * against, so it never holds the whole index.
   */
  async children(dir: string): Promise<FolderEntries> {
    const rows = await this.db.query<{ own: string; implied: string }>(
      dir === '' ? SELECT_CHILDREN_OF_ROOT : SELECT_CHILDREN,
      dir === '' ? [this.spaceId] : [this.spaceId, dir],
    );
    const entries = new Map<string, IndexEntry>();
    for (const compact of JSON.parse(rows[0]?.own ?? '[]') as CompactRow[]) {
      const entry = fromCompact(compact);
      entries.set(entry.path, entry);
    }
    const implied: string[] = [];
    for (const name of JSON.parse(rows[0]?.implied ?? '[]') as string[]) {
      const p = dir === '' ? name : `${dir}/${name}`;
      if (!entries.has(p)) implied.push(p);
    }
    return { entries, implied };
  }

  /** `path` and everything indexed under it, a page at a time in path order. */
  async *subtree(path: string, pageSize = 2_000): AsyncGenerator<IndexEntry[]> {
    let after = '';
    for (;;) {
      const page = await this.select(SELECT_TREE_PAGE, [this.spaceId, path, after, pageSize]);
      if (page.length === 0) return;
      yield page;
      if (page.length < pageSize) return;
      after = (page[page.length - 1] as IndexEntry).path;
    }
  }

  /**
   * Every entry of the space by path, stat fields only (`chunks` and
   * `versionClock` are null): what a scan compares the disk against.
   */
  async all(): Promise<Map<string, IndexEntry>> {
    const rows = await this.db.query<{ rows: string }>(SELECT_ALL_STATS, [this.spaceId]);
    const out = new Map<string, IndexEntry>();
    for (const compact of JSON.parse(rows[0]?.rows ?? '[]') as CompactRow[]) {
      const entry = fromCompact(compact);
      out.set(entry.path, entry);
    }
    return out;
  }

  /** The bytes of every file in the space, as last scanned or written. */
  async totalFileBytes(): Promise<number> {
    const rows = await this.db.query<{ bytes: string }>(SUM_FILE_BYTES, [this.spaceId]);
    return Number(rows[0]?.bytes ?? 0);
  }

  /** Files whose whole content has one of these hashes, with their chunk lists. */
  async withContent(hashes: readonly string[]): Promise<IndexEntry[]> {
    const out: IndexEntry[] = [];
    for (const part of slices([...new Set(hashes)], BATCH)) {
      out.push(...(await this.select(SELECT_BY_CONTENT, [this.spaceId, JSON.stringify(part)])));
    }
    return out;
  }

  /**
   * For each wanted chunk hash, the indexed files that hold it and where.
   * Whole-content matches first (every small file is one chunk), then the
   * chunk-list index for the rest.
   */
  async findChunks(hashes: readonly string[]): Promise<Map<string, ChunkLocation[]>> {
    const wanted = new Set(hashes);
    const out = new Map<string, ChunkLocation[]>();
    const add = (hash: string, location: ChunkLocation) => {
      const list = out.get(hash) ?? [];
      list.push(location);
      out.set(hash, list);
    };
    for (const entry of await this.withContent([...wanted])) {
      for (const [hash, location] of chunkLocations(entry))
        if (wanted.has(hash)) add(hash, location);
    }
    const rest = [...wanted].filter((h) => !out.has(h));
    for (const part of slices(rest, CHUNK_PROBES)) {
      const rows = await this.db.query<{ rows: string }>(SELECT_CHUNK_LOCATIONS, [
        this.spaceId,
        JSON.stringify(part),
      ]);
      const found = JSON.parse(rows[0]?.rows ?? '[]') as [string, string, number, number][];
      for (const [hash, path, offset, size] of found) {
        add(hash, { path, offset: Number(offset), size: Number(size) });
      }
    }
    return out;
  }

  private async select(sql: string, params: readonly unknown[]): Promise<IndexEntry[]> {
    const rows = await this.db.query<{ rows: string }>(sql, params);
    return (JSON.parse(rows[0]?.rows ?? '[]') as Row[]).map(fromRow);
  }
}
