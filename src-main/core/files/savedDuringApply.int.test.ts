import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIRECTORY_HASH } from '../../../src-shared/fileKinds.js';
import {
  MemoryChunks,
  openFolderDevice,
  pullAndApply,
  pullEvents,
  treeOf,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';

/**
 * A user's save that lands while the materializer is still working on the same file must be
 * recorded: the index row the materializer writes describes what it decided on, never a later
 * state of the file (which would make the scanner take the save for what was already indexed,
 * and no scan, not even a full rescan, would ever record it). Folder layer, two devices with
 * real folders and PGlite stores; `desktop` edits, `laptop` applies.
 */

/** The hub's chunks, running `beforeFetch` once when it says so (a user's save at that moment). */
class ChunksWithHook extends MemoryChunks {
  beforeFetch: (() => Promise<boolean>) | undefined;
  fired = false;

  override async getChunks(spaceId: string, hashes: readonly string[]) {
    if (!this.fired && this.beforeFetch && (await this.beforeFetch())) this.fired = true;
    return super.getChunks(spaceId, hashes);
  }
}

let stores: { laptop: EventStore; desktop: EventStore };
let spaceNo = 0;
let tmp: TempDir;
let chunks: ChunksWithHook;
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
  const spaceId = `saved-during-apply-${++spaceNo}`;
  tmp = await makeTempDir('ng-saved-during-apply-');
  chunks = new ChunksWithHook();
  const open = (nodeId: 'laptop' | 'desktop') =>
    openFolderDevice({
      nodeId,
      spaceId,
      dir: path.join(tmp.path, nodeId),
      chunks,
      store: stores[nodeId],
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
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Whether `device` recorded one of its own events with this content at `rel`. */
async function ownEventWith(device: FolderDevice, rel: string, hash: string): Promise<boolean> {
  const rows = await device.store.client.query(
    `SELECT 1 AS one FROM crdt_events
     WHERE space_id = $1 AND entity_id = $2 AND node_id = $3
       AND data -> 'content' ->> 'hash' = $4`,
    [device.manager.spaceId, rel, device.nodeId, hash],
  );
  return rows.length > 0;
}

describe('a local save while the materializer works on the same file', () => {
  it('is recorded when it lands while the conflict copy is fetched (the local version won)', async () => {
    await writeFile(at(desktop, 'notes.txt'), 'first version\n');
    await desktop.scanner.fullScan();
    await laptop.materializer.apply(await pullEvents(laptop, desktop));
    expect(await readFile(at(laptop, 'notes.txt'), 'utf8')).toBe('first version\n');

    // Desktop's edit is larger than the materializer fetches ahead, so its chunks are fetched
    // while the file is settled: first for the write that the laptop's own edit stops, then for
    // the conflict copy, after the laptop's edit was recorded and won.
    const desktopEdit = 'd'.repeat(1_200_000);
    await writeFile(at(desktop, 'notes.txt'), desktopEdit);
    await desktop.scanner.fullScan();
    const laptopEdit = 'edited on the laptop\n';
    await writeFile(at(laptop, 'notes.txt'), laptopEdit);
    const savedAgain = 'saved again on the laptop, a moment later\n';
    chunks.beforeFetch = async () => {
      if (!(await ownEventWith(laptop, 'notes.txt', sha(laptopEdit)))) return false;
      writeFileSync(at(laptop, 'notes.txt'), savedAgain);
      return true;
    };

    await laptop.materializer.apply(await pullEvents(laptop, desktop));
    expect(chunks.fired, 'the save landed while the conflict copy was fetched').toBe(true);
    // What the watcher would have the scanner look at after that save.
    await laptop.scanner.scanPaths(['notes.txt']);

    expect(await readFile(at(laptop, 'notes.txt'), 'utf8')).toBe(savedAgain);
    expect(await ownEventWith(laptop, 'notes.txt', sha(savedAgain))).toBe(true);
    expect((await laptop.manager.getFileState('notes.txt'))?.content?.hash).toBe(sha(savedAgain));
  });
});

describe('a folder replaced by a file while the materializer writes in it', () => {
  it('records the file, which then gives way to the folder as a conflict copy', async () => {
    await mkdir(at(desktop, 'docs'));
    await writeFile(at(desktop, 'docs/café.txt'), 'first version\n');
    await desktop.scanner.fullScan();
    await laptop.materializer.apply(await pullEvents(laptop, desktop));
    expect(await readFile(at(laptop, 'docs/café.txt'), 'utf8')).toBe('first version\n');

    // Desktop's edit is larger than the materializer fetches ahead: its chunks are fetched while
    // the laptop writes it, into a temp file in docs. At that moment the laptop's user replaces
    // the folder by an empty file (`rm -rf docs && touch docs`).
    const desktopEdit = 'd'.repeat(1_200_000);
    await writeFile(at(desktop, 'docs/café.txt'), desktopEdit);
    await desktop.scanner.fullScan();
    chunks.beforeFetch = () => {
      rmSync(at(laptop, 'docs'), { recursive: true });
      writeFileSync(at(laptop, 'docs'), '');
      return Promise.resolve(true);
    };
    await laptop.materializer.apply(await pullEvents(laptop, desktop));
    expect(chunks.fired, 'the folder was replaced while the edit was fetched').toBe(true);
    // The watcher names only what the folder held (chokidar keeps `docs` as a folder it
    // watches, and never reports the file).
    await laptop.scanner.scanPaths(['docs/café.txt']);
    expect(await ownEventWith(laptop, 'docs', sha(''))).toBe(true);

    // The store has docs as laptop's file, and desktop's edit under it (a deletion made before
    // it arrived loses to it): the folder wins on both devices, the file kept beside it.
    await laptop.materializer.apply(['docs', 'docs/café.txt']);
    for (let round = 0; round < 2; round++) {
      expect((await pullAndApply(desktop, laptop)).errors).toEqual([]);
      expect((await pullAndApply(laptop, desktop)).errors).toEqual([]);
    }
    const copy = /^docs\.conflict-laptop-\d{8}-\d{6}-e3b0c442$/;
    for (const device of [laptop, desktop]) {
      const tree = Object.fromEntries(await treeOf(device.root));
      const copies = Object.keys(tree).filter((p) => copy.test(p));
      expect(copies).toHaveLength(1);
      const { [copies[0] as string]: copied, ...rest } = tree;
      expect(copied).toBe(sha(''));
      expect(rest).toEqual({ docs: 'dir', 'docs/café.txt': sha(desktopEdit) });
      expect((await device.manager.getFileState('docs'))?.content?.hash).toBe(DIRECTORY_HASH);
    }
  });
});
