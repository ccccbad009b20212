import { createHash } from 'node:crypto';
import { readdirSync, renameSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryChunks,
  openFolderDevice,
  pullEvents,
  treeOf,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { TempFlusher } from './tempFlusher.js';

/**
 * A user who moves a folder while the materializer writes a file into it: the write's temp file
 * (`.ng-tmp-…`) moves with the folder, and the write, which no longer finds it, fails. The temp
 * file must not stay in the moved folder (it used to, until the hour-old clean-up), and nothing
 * of the user's may go with it. The move happens at an exact moment of the write, through the
 * chunk source (while the file's chunks are fetched, its temp file already made) or the flusher
 * (its temp file written and durable, not renamed yet); the scanner then walks the moved folder
 * at once, as the watcher's report of the move makes it, while the temp file is still in flight.
 * Folder layer, two devices with real folders and PGlite stores; `desktop` writes, `laptop`
 * applies.
 */

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The user's move, and what the device's scanner does about it at once. */
type Move = () => Promise<void>;

/** The hub's chunks; `duringFetch` runs at the first fetch after it is set, `withhold` then. */
class ChunksWithHook extends MemoryChunks {
  duringFetch: Move | undefined;
  /** The fetch that ran the hook returns nothing (the chunk can't be had). */
  withhold = false;

  override async getChunks(spaceId: string, hashes: readonly string[]) {
    const hook = this.duringFetch;
    if (hook) {
      this.duringFetch = undefined;
      await hook();
      if (this.withhold) return new Map<string, Uint8Array>();
    }
    return super.getChunks(spaceId, hashes);
  }
}

/** A real flusher; `afterFlush` runs once after the first flush of temp files it is set for. */
class FlusherWithHook extends TempFlusher {
  afterFlush: Move | undefined;

  constructor() {
    // A flusher that batches, so the group's temp files are renamed after one flush (a group
    // this small is still fsynced file by file).
    super({ syncfs: true });
  }

  override async flush(files: readonly string[], dirs: readonly string[] = []): Promise<void> {
    await super.flush(files, dirs);
    const hook = this.afterFlush;
    if (hook && files.some((f) => path.basename(f).startsWith('.ng-tmp-'))) {
      this.afterFlush = undefined;
      await hook();
    }
  }
}

let stores: { laptop: EventStore; desktop: EventStore };
let spaceNo = 0;
let tmp: TempDir;
let chunks: ChunksWithHook;
let flusher: FlusherWithHook;
let laptop: FolderDevice;
let desktop: FolderDevice;

beforeAll(async () => {
  stores = {
    laptop: await EventStore.open(await openPgliteClient()),
    desktop: await EventStore.open(await openPgliteClient()),
  };
});
afterAll(async () => {
  await stores.laptop.close();
  await stores.desktop.close();
});
beforeEach(async () => {
  const spaceId = `moved-during-write-${++spaceNo}`;
  tmp = await makeTempDir('ng-moved-during-write-');
  chunks = new ChunksWithHook();
  flusher = new FlusherWithHook();
  const open = (nodeId: 'laptop' | 'desktop') =>
    openFolderDevice({
      nodeId,
      spaceId,
      dir: path.join(tmp.path, nodeId),
      chunks,
      store: stores[nodeId],
      ...(nodeId === 'laptop' ? { flusher } : {}),
    });
  laptop = await open('laptop');
  desktop = await open('desktop');
});
afterEach(async () => {
  await laptop.close();
  await desktop.close();
  await tmp.cleanup();
});

const at = (device: FolderDevice, rel: string) => path.join(device.root, ...rel.split('/'));

const KEEP = 'a file the user keeps\n';
/** A user's file merely named like ours: never removed. */
const LOOKALIKE = '.ng-tmp-notes.txt';
const LOOKALIKE_TEXT = "the user's own notes\n";
/** Larger than the materializer fetches ahead: its chunks are fetched while its temp file is open. */
const BIG = 'b'.repeat(1_200_000);

/**
 * `docs/keep.txt` synced to the laptop, and a user's look-alike there; then `docs/big.bin`
 * written on the desktop, for the laptop to pull.
 */
async function setUp(): Promise<void> {
  await mkdir(at(desktop, 'docs'));
  await writeFile(at(desktop, 'docs/keep.txt'), KEEP);
  await desktop.scanner.fullScan();
  await laptop.materializer.apply(await pullEvents(laptop, desktop));
  await writeFile(at(laptop, `docs/${LOOKALIKE}`), LOOKALIKE_TEXT);
  await writeFile(at(desktop, 'docs/big.bin'), BIG);
  await desktop.scanner.fullScan();
}

/** Names of our temp files directly in `rel` on the laptop. */
const tempsIn = (rel: string) =>
  readdirSync(at(laptop, rel)).filter((n) => /^\.ng-tmp-[0-9a-f]{12}-[0-9a-z]+$/.test(n));

/**
 * The user renames `docs` to `moved`, and the scanner walks what the watcher would name (the old
 * and the new folder), while the write's temp file is in `moved`: `seen` says what was there
 * right after that walk.
 */
function moveDocs(seen: { temps: string[] }): Move {
  return async () => {
    renameSync(at(laptop, 'docs'), at(laptop, 'moved'));
    await laptop.scanner.scanPaths(['docs', 'moved']);
    seen.temps = tempsIn('moved');
  };
}

/** The laptop's folder after the write gave up: the user's files, moved, and no temp file. */
const AFTER_MOVE = new Map([
  ['moved', 'dir'],
  [`moved/${LOOKALIKE}`, sha(LOOKALIKE_TEXT)],
  ['moved/keep.txt', sha(KEEP)],
]);

describe('a folder moved while the materializer writes a file into it', () => {
  it('leaves no temp file where it went when moved while the chunks are fetched', async () => {
    await setUp();
    const seen = { temps: [] as string[] };
    chunks.duringFetch = moveDocs(seen);

    const report = await laptop.materializer.apply(await pullEvents(laptop, desktop));

    // The write's own temp file was there, in flight, when the scanner walked the moved folder:
    // a walk never removes a temp file a write still owns.
    expect(seen.temps).toHaveLength(1);
    expect(report.written).not.toContain('docs/big.bin');
    expect(report.errors.map((e) => e.path)).toContain('docs/big.bin');
    expect(await treeOf(laptop.root)).toEqual(AFTER_MOVE);
  });

  it('leaves no temp file where it went when moved and the chunk cannot be had', async () => {
    await setUp();
    const seen = { temps: [] as string[] };
    chunks.duringFetch = moveDocs(seen);
    chunks.withhold = true;

    const report = await laptop.materializer.apply(await pullEvents(laptop, desktop));

    expect(seen.temps).toHaveLength(1);
    expect(report.errors.map((e) => [e.path, e.code])).toContainEqual(['docs/big.bin', 'NotFound']);
    expect(await treeOf(laptop.root)).toEqual(AFTER_MOVE);
  });

  it('leaves no temp file where it went when moved between the flush and the rename', async () => {
    await setUp();
    const seen = { temps: [] as string[] };
    flusher.afterFlush = moveDocs(seen);

    const report = await laptop.materializer.apply(await pullEvents(laptop, desktop));

    expect(seen.temps).toHaveLength(1);
    expect(report.written).not.toContain('docs/big.bin');
    expect(report.errors.map((e) => e.path)).toContain('docs/big.bin');
    expect(await treeOf(laptop.root)).toEqual(AFTER_MOVE);
  });

  it('writes the file where the store says once it is pulled again, with no temp file left', async () => {
    await setUp();
    chunks.duringFetch = moveDocs({ temps: [] });
    await laptop.materializer.apply(await pullEvents(laptop, desktop));

    // Reconcile's next try: the store still has docs/big.bin (the laptop recorded the move of
    // what it had, not of a file it never wrote).
    await laptop.materializer.apply(['docs/big.bin']);

    expect(await treeOf(laptop.root)).toEqual(
      new Map([['docs', 'dir'], ['docs/big.bin', sha(BIG)], ...AFTER_MOVE]),
    );
  });
});

describe('a leftover temp file the scanner meets', () => {
  it('is removed by the walk of a folder the watcher names, at once', async () => {
    await mkdir(at(laptop, 'moved'));
    // Another process's name (a crash's leftover), fresh: no write of this process owns it.
    await writeFile(at(laptop, 'moved/.ng-tmp-0123456789ab-7'), 'partial');
    await writeFile(at(laptop, `moved/${LOOKALIKE}`), LOOKALIKE_TEXT);

    await laptop.scanner.scanPaths(['moved']);

    expect(await treeOf(laptop.root)).toEqual(
      new Map([
        ['moved', 'dir'],
        [`moved/${LOOKALIKE}`, sha(LOOKALIKE_TEXT)],
      ]),
    );
  });
});
