/**
 * Trash retention on real folders (trash.ts, trashRetention.ts): by age, by size (oldest first),
 * both; what a crash leaves half there; `trash empty --older-than`; nothing outside the trash.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { createTrash, type Trash } from './trash.js';
import { emptyTrash, measuredItems, pruneTrash } from './trashRetention.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1, 9, 0, 0);

let tmp: TempDir;
let root: string;
let dataDir: string;
let clock: number;
let trash: Trash;

beforeEach(async () => {
  tmp = await makeTempDir('ng-trash-retention-');
  root = path.join(tmp.path, 'root');
  dataDir = path.join(tmp.path, 'data');
  await mkdir(root);
  clock = START;
  trash = createTrash({ dataDir, now: () => clock });
});
afterEach(async () => {
  await tmp.cleanup();
});

/** A file of `bytes` bytes deleted into the trash at time `at`; its id. */
async function trashed(name: string, bytes: number, at: number): Promise<string> {
  await writeFile(path.join(root, name), 'x'.repeat(bytes));
  const saved = clock;
  clock = at;
  const record = await trash.move(path.join(root, name), {
    path: name,
    kind: 'file',
    hash: null,
    size: bytes,
    reason: 'deleted',
  });
  clock = saved;
  return record.id;
}

const listedPaths = async () => (await trash.list()).map((r) => r.path);

describe('trash retention', () => {
  it('removes items older than the age limit and keeps the younger', async () => {
    await trashed('a.txt', 10, START);
    await trashed('b.txt', 10, START + 5 * DAY);
    await trashed('c.txt', 10, START + 20 * DAY);
    clock = START + 32 * DAY;

    const report = await pruneTrash(trash, {
      now: clock,
      limits: { maxAgeDays: 30, maxPercent: 10 },
      folderBytes: 1_000_000,
    });

    // a is 32 days old, b 27, c 12.
    expect(await listedPaths()).toEqual(['c.txt', 'b.txt']);
    expect(report).toEqual({ removed: 1, removedBytes: 10, left: 2, leftBytes: 20, swept: 0 });
    // Record and content both gone.
    expect((await readdir(trash.dir)).length).toBe(4);
  });

  it('keeps the trash within its share of the folder: oldest first, the newest kept', async () => {
    await trashed('one.bin', 400, START);
    await trashed('two.bin', 400, START + DAY);
    await trashed('three.bin', 400, START + 2 * DAY);
    await trashed('four.bin', 400, START + 3 * DAY);
    clock = START + 5 * DAY;

    // Folder of 10,000 bytes, 10%: 1,000 bytes. 1,600 → 1,200 → 800.
    const report = await pruneTrash(trash, {
      now: clock,
      limits: { maxAgeDays: 30, maxPercent: 10 },
      folderBytes: 10_000,
    });

    expect(await listedPaths()).toEqual(['four.bin', 'three.bin']);
    expect(report.removed).toBe(2);
    expect(report.leftBytes).toBe(800);
  });

  it('applies both limits together', async () => {
    await trashed('ancient.txt', 5, START);
    await trashed('large.bin', 900, START + 35 * DAY);
    await trashed('small.txt', 50, START + 38 * DAY);
    clock = START + 40 * DAY;

    // At most 10% of 2,000 = 200 bytes: ancient goes for age, large for size.
    await pruneTrash(trash, {
      now: clock,
      limits: { maxAgeDays: 30, maxPercent: 10 },
      folderBytes: 2_000,
    });

    expect(await listedPaths()).toEqual(['small.txt']);
  });

  it('counts a folder item by the files it holds', async () => {
    await mkdir(path.join(root, 'docs', 'deep'), { recursive: true });
    await writeFile(path.join(root, 'docs', 'a.txt'), 'a'.repeat(300));
    await writeFile(path.join(root, 'docs', 'deep', 'b.txt'), 'b'.repeat(200));
    await trash.move(path.join(root, 'docs'), {
      path: 'docs',
      kind: 'dir',
      hash: null,
      size: 4096,
      reason: 'deleted',
    });

    expect((await measuredItems(trash)).map((i) => [i.path, i.bytes])).toEqual([['docs', 500]]);
  });

  it('neither lists nor keeps what a crash left half there', async () => {
    const keptId = await trashed('kept.txt', 10, START);
    const noContentId = await trashed('no-content.txt', 10, START);
    const noRecordId = await trashed('no-record.txt', 10, START);
    const placingId = await trashed('placing.txt', 10, START + 2 * DAY);
    // A removal cut short after its record (or a restore after its content) went …
    await rm(path.join(trash.dir, noContentId), { recursive: true });
    // … and one after its record went, and an item being placed, its record not yet written.
    await rm(path.join(trash.dir, `${noRecordId}.json`));
    await rm(path.join(trash.dir, `${placingId}.json`));
    clock = START + 2 * DAY + 3_600_000;

    expect(await listedPaths()).toEqual(['kept.txt']);

    const report = await pruneTrash(trash, {
      now: clock,
      limits: { maxAgeDays: 30, maxPercent: 100 },
      folderBytes: 1_000_000,
    });

    expect(report).toEqual({ removed: 0, removedBytes: 0, left: 1, leftBytes: 10, swept: 2 });
    // What is left: the whole item, and the one still being placed (an hour old).
    expect((await readdir(trash.dir)).sort()).toEqual([keptId, `${keptId}.json`, placingId].sort());
    expect(await listedPaths()).toEqual(['kept.txt']);
  });

  it('empties what is older than a span, or everything, and nothing outside the trash', async () => {
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, 'config.json'), '{}');
    await writeFile(path.join(root, 'stays.txt'), 'mine');
    await trashed('week-old.txt', 10, START);
    await trashed('day-old.txt', 20, START + 6 * DAY);
    clock = START + 7 * DAY;

    const older = await emptyTrash(trash, { now: clock, olderThanMs: 3 * DAY });
    expect(older).toEqual({ removed: 1, removedBytes: 10, left: 1, leftBytes: 20, swept: 0 });
    expect(await listedPaths()).toEqual(['day-old.txt']);

    const all = await emptyTrash(trash, { now: clock });
    expect(all).toEqual({ removed: 1, removedBytes: 20, left: 0, leftBytes: 0, swept: 0 });
    expect(await readdir(trash.dir)).toEqual([]);
    expect(await readFile(path.join(dataDir, 'config.json'), 'utf8')).toBe('{}');
    expect(await readFile(path.join(root, 'stays.txt'), 'utf8')).toBe('mine');
    expect(existsSync(trash.dir)).toBe(true);
  });

  it('never follows a damaged record out of the trash', async () => {
    await writeFile(path.join(root, 'victim.txt'), 'keep me');
    const id = await trashed('bait.txt', 10, START);
    await rm(path.join(trash.dir, id), { recursive: true });
    await writeFile(
      path.join(trash.dir, `${id}.json`),
      JSON.stringify({
        id,
        path: '../../root/victim.txt',
        kind: 'file',
        hash: null,
        size: 7,
        reason: 'deleted',
        trashedAt: new Date(START).toISOString(),
      }),
    );
    clock = START + 60 * DAY;

    await pruneTrash(trash, {
      now: clock,
      limits: { maxAgeDays: 30, maxPercent: 10 },
      folderBytes: 0,
    });
    await emptyTrash(trash, { now: clock });

    expect(await readFile(path.join(root, 'victim.txt'), 'utf8')).toBe('keep me');
    expect(await trash.list()).toEqual([]);
  });
});
