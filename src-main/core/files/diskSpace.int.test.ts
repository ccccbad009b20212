/**
 * Disk space (issue 15, point 4) on a real, small file system: a 16 MiB tmpfs holds the receiving
 * device's folder and data dir. The device keeps a reserve free (1 MiB here) and a per-file
 * maximum (8 MiB here): what does not fit is not written at all (no temp file, no partial bytes
 * anywhere on the disk: its free space is checked to the byte), is listed as waiting with how
 * much more space it needs, and is written by itself once space is freed. A manifest over the
 * maximum, or whose chunks do not add up to its size, is refused before anything is fetched or
 * written. Expected values are worked out by hand from those sizes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContentRef } from '../../../src-shared/events/event.js';
import {
  MemoryChunks,
  openFolderDevice,
  pullAndApply,
  pullEvents,
  treeOf,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { pollUntil } from '../../../test/folderSync/support/folderTree.js';
import { mountSmallDisk, type SmallDisk } from '../../../test/support/smallDisk.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { entitiesOutOfStep } from '../device/reconcile.js';
import { retryWhenSpace, SpaceWait } from '../device/spaceWait.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { DiskSpace } from './diskSpace.js';
import { DEFAULT_MAX_FILE_BYTES } from './spacePolicy.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const DISK_BYTES = 16 * MiB;

let stores: { laptop: EventStore; desktop: EventStore };
let tmp: TempDir;
let disk: SmallDisk;
let spaceNo = 0;
let spaceId: string;
let chunks: MemoryChunks;
let desktop: FolderDevice;
let laptop: FolderDevice;
/** The laptop's view of its disk. */
let space: DiskSpace;
let wait: SpaceWait | undefined;

beforeAll(async () => {
  stores = {
    laptop: await EventStore.open(await openPgliteClient()),
    desktop: await EventStore.open(await openPgliteClient()),
  };
  tmp = await makeTempDir('ng-diskspace-');
  disk = await mountSmallDisk(path.join(tmp.path, 'disk'), DISK_BYTES);
});
afterAll(async () => {
  await disk?.unmount();
  await tmp?.cleanup();
  await stores.laptop.close();
  await stores.desktop.close();
});
beforeEach(async () => {
  spaceId = `space-${++spaceNo}`;
  chunks = new MemoryChunks();
  desktop = await openFolderDevice({
    nodeId: 'desktop',
    spaceId,
    dir: path.join(tmp.path, `desktop-${spaceNo}`),
    chunks,
    store: stores.desktop,
  });
  // The small disk starts empty for every test.
  expect(await disk.free()).toBe(DISK_BYTES);
});
afterEach(async () => {
  wait?.stop();
  wait = undefined;
  await laptop.close();
  await desktop.close();
  await rm(path.join(disk.path, 'laptop'), { recursive: true, force: true });
  await rm(path.join(disk.path, 'filler.bin'), { force: true });
});

/** The receiving device, its folder and data dir on the small disk, with these limits. */
async function openLaptop(limits: { reserveBytes: number; maxFileBytes: number }) {
  space = new DiskSpace({ limits: () => limits });
  laptop = await openFolderDevice({
    nodeId: 'laptop',
    spaceId,
    dir: path.join(disk.path, 'laptop'),
    chunks,
    store: stores.laptop,
    space,
  });
}

async function put(rel: string, bytes: Uint8Array) {
  await mkdir(path.dirname(path.join(desktop.root, rel)), { recursive: true });
  await writeFile(path.join(desktop.root, rel), bytes);
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Files in the laptop's folder and data dir, by path: nothing of ours but what was written. */
async function laptopFiles(): Promise<Map<string, string>> {
  return treeOf(path.join(disk.path, 'laptop'));
}

describe('writing received files on a disk short of space', () => {
  it('writes what fits, leaves nothing of the rest, lists it, and writes it by itself once space is freed', async () => {
    await openLaptop({ reserveBytes: MiB, maxFileBytes: 8 * MiB });
    // 8 MiB of the 16 taken by another program's file: 8 MiB free, 7 usable keeping 1 MiB.
    await writeFile(path.join(disk.path, 'filler.bin'), Buffer.alloc(8 * MiB, 1));
    expect(await disk.free()).toBe(8 * MiB);
    const a = randomBytes(3 * MiB);
    const b = randomBytes(3 * MiB);
    const c = randomBytes(3 * MiB);
    await put('a.bin', a);
    await put('b.bin', b);
    await put('c.bin', c);
    await desktop.scanner.fullScan();

    // What a running device does (device.ts): a retry once there is room, by reconciling.
    wait = new SpaceWait({
      usable: (volume) => space.usable(volume),
      retry: async () => {
        await writer.apply(await entitiesOutOfStep(stores.laptop.client, spaceId));
      },
      onError: (e) => {
        throw e;
      },
      pollMs: 50,
    });
    const writer = retryWhenSpace(laptop.materializer, wait);
    const report = await writer.apply(await pullEvents(laptop, desktop));

    // The three are written at once (eight at a time), in path order: a.bin and b.bin take
    // 6 MiB of the 7 usable; c.bin would leave 1 MiB - 3 MiB: it waits.
    expect(report.errors).toEqual([]);
    expect([...report.written].sort()).toEqual(['a.bin', 'b.bin']);
    expect(report.waitingForSpace).toEqual([{ path: 'c.bin', bytes: 3 * MiB, volume: disk.path }]);
    expect(await laptopFiles()).toEqual(
      new Map([
        ['data', 'dir'],
        ['root', 'dir'],
        ['root/a.bin', sha(a)],
        ['root/b.bin', sha(b)],
      ]),
    );
    // 16 - 8 (filler) - 3 - 3: not a byte of c.bin (nor a temp file) is on the disk.
    expect(await disk.free()).toBe(2 * MiB);
    // c.bin needs 3 MiB + the 1 MiB kept, with 2 MiB free: 2 MiB more.
    expect(laptop.unsyncable.current()).toEqual({
      total: 1,
      files: [
        {
          path: 'c.bin',
          reason: 'no-space',
          side: 'remote',
          message: `it needs 2.0 MB more free space on ${disk.path} (NetGuardian keeps 1.0 MB free there): it is written by itself once there is room`,
        },
      ],
    });

    // Space freed by the user: nothing else happens, and c.bin arrives.
    await rm(path.join(disk.path, 'filler.bin'));
    await pollUntil(
      'c.bin to be written once there is room',
      async () =>
        sha(await readFile(path.join(laptop.root, 'c.bin')).catch(() => Buffer.alloc(0))) === sha(c)
          ? true
          : undefined,
      { timeoutMs: 20_000 },
    );
    await pollUntil('the list to be empty', () =>
      Promise.resolve(laptop.unsyncable.current().total === 0 ? true : undefined),
    );
    expect(wait.waiting).toBe(false);
    expect(await laptopFiles()).toEqual(
      new Map([
        ['data', 'dir'],
        ['root', 'dir'],
        ['root/a.bin', sha(a)],
        ['root/b.bin', sha(b)],
        ['root/c.bin', sha(c)],
      ]),
    );
    expect(await disk.free()).toBe(DISK_BYTES - 9 * MiB);
  });
});

describe('absurd manifests', () => {
  /** One 2 MiB chunk listed 512 times: a 1 GiB file from an event of about 47 KB. */
  function repeatedChunk(): ContentRef {
    const chunk = randomBytes(2 * MiB);
    const ref = { hash: sha(chunk), size: 2 * MiB };
    chunks.put(ref, chunk);
    const whole = createHash('sha256');
    for (let i = 0; i < 512; i++) whole.update(chunk);
    return { hash: whole.digest('hex'), size: GiB, chunks: Array.from({ length: 512 }, () => ref) };
  }

  it('refuses a file over the per-file maximum before fetching or writing anything', async () => {
    await openLaptop({ reserveBytes: MiB, maxFileBytes: 8 * MiB });
    const recorded = await desktop.manager.createFileState('huge.bin', {
      content: repeatedChunk(),
    });
    expect(recorded.ok).toBe(true);
    const report = await pullAndApply(laptop, desktop);

    const tooLarge =
      'it is too large to sync: 1.0 GB, over the 8.0 MB this device takes for one file (maxFileBytes in its config.json); raise the limit to have it here';
    expect(report.written).toEqual([]);
    expect(report.waitingForSpace).toEqual([]);
    expect(report.errors).toEqual([
      { path: 'huge.bin', code: 'PayloadTooLarge', message: tooLarge },
    ]);
    expect(chunks.requested).toBe(0);
    expect(await laptopFiles()).toEqual(
      new Map([
        ['data', 'dir'],
        ['root', 'dir'],
      ]),
    );
    expect(await disk.free()).toBe(DISK_BYTES);
    expect(laptop.unsyncable.current().files).toEqual([
      { path: 'huge.bin', reason: 'too-large', side: 'remote', message: tooLarge },
    ]);
  });

  it('with the default maximum, leaves it waiting for space: the disk is never filled', async () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(64 * GiB);
    await openLaptop({ reserveBytes: MiB, maxFileBytes: DEFAULT_MAX_FILE_BYTES });
    await desktop.manager.createFileState('huge.bin', { content: repeatedChunk() });
    const report = await pullAndApply(laptop, desktop);

    expect(report.written).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.waitingForSpace).toEqual([{ path: 'huge.bin', bytes: GiB, volume: disk.path }]);
    expect(chunks.requested).toBe(0);
    expect(await laptopFiles()).toEqual(
      new Map([
        ['data', 'dir'],
        ['root', 'dir'],
      ]),
    );
    expect(await disk.free()).toBe(DISK_BYTES);
    // 1 GiB + 1 MiB kept - 16 MiB free = 1009 MiB more.
    expect(laptop.unsyncable.current().files).toEqual([
      {
        path: 'huge.bin',
        reason: 'no-space',
        side: 'remote',
        message: `it needs 1,009 MB more free space on ${disk.path} (NetGuardian keeps 1.0 MB free there): it is written by itself once there is room`,
      },
    ]);
  });

  it('refuses a manifest whose chunks do not add up to its size, before anything is fetched', async () => {
    await openLaptop({ reserveBytes: MiB, maxFileBytes: 8 * MiB });
    const bytes = randomBytes(3 * MiB);
    const first = bytes.subarray(0, 2 * MiB);
    const ref = { hash: sha(first), size: 2 * MiB };
    chunks.put(ref, first);
    // Says 3 MiB, lists 2 MiB of chunks.
    const content = { hash: sha(bytes), size: 3 * MiB, chunks: [ref] };
    const recorded = await desktop.manager.createFileState('short.bin', { content });
    expect(recorded.ok).toBe(true);
    const report = await pullAndApply(laptop, desktop);

    expect(report.written).toEqual([]);
    expect(report.errors).toEqual([
      {
        path: 'short.bin',
        code: 'InvalidEvent',
        message: `content ${sha(bytes)}: chunks add up to 2097152 bytes, not 3145728`,
      },
    ]);
    expect(chunks.requested).toBe(0);
    expect(await laptopFiles()).toEqual(
      new Map([
        ['data', 'dir'],
        ['root', 'dir'],
      ]),
    );
    expect(await disk.free()).toBe(DISK_BYTES);
  });
});
