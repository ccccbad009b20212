import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { chmod, lstat, mkdir, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIRECTORY_CONTENT } from '../../../src-shared/fileKinds.js';
import {
  MemoryChunks,
  openFolderDevice,
  pullEvents,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { EMPTY_HASH, hashFile } from './fileHasher.js';
import { diskStatOf, type IndexEntry } from './fileIndex.js';
import { IGNORE_FILE, IgnoreRules } from './ignoreRules.js';
import { createScanner, type ScanProgress } from './scanner.js';
import { walkTree } from './treeWalk.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';

/** One store per device for the whole file; every test works in a space of its own. */
let stores: { laptop: EventStore; desktop: EventStore };
let spaceNo = 0;
let SPACE = '';
let tmp: TempDir;
let device: FolderDevice;
let chunks: MemoryChunks;

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
  SPACE = `scan-${++spaceNo}`;
  tmp = await makeTempDir('ng-scanner-');
  chunks = new MemoryChunks();
  device = await openFolderDevice({
    nodeId: 'laptop',
    spaceId: SPACE,
    dir: tmp.path,
    chunks,
    store: stores.laptop,
  });
});
afterEach(async () => {
  await device.close();
  await tmp.cleanup();
});

const file = (rel: string) => path.join(device.root, ...rel.split('/'));
async function put(rel: string, content: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file(rel)), { recursive: true });
  await writeFile(file(rel), content);
}
const eventCount = () => device.store.countEvents(SPACE);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const state = (rel: string) => device.manager.getFileState(rel);

async function eventKinds(): Promise<string[]> {
  const out: string[] = [];
  for await (const page of device.store.allEvents(SPACE)) {
    for (const e of page) out.push(`${e.kind} ${e.entityId}`);
  }
  return out.sort();
}

describe('scanner: full scan', () => {
  it('records files and folders: nested, empty folder, 0-byte, binary, executable', async () => {
    const binary = randomBytes(300_000);
    await put('docs/notes/today.md', '# today\n');
    await put('docs/empty.txt', '');
    await put('media/blob.bin', binary);
    await chmod(file('media/blob.bin'), 0o644);
    await put('bin/run.sh', '#!/bin/sh\necho hi\n');
    await chmod(file('bin/run.sh'), 0o755);
    await mkdir(file('empty-folder/inner'), { recursive: true });

    const summary = await device.scanner.fullScan();

    // Six of the ten are folders (docs, docs/notes, media, bin, empty-folder and its inner).
    expect(summary).toMatchObject({
      scanned: 4,
      hashed: 4,
      created: 10,
      foldersCreated: 6,
      errors: [],
    });
    expect(summary.bytesHashed).toBe(8 + 0 + 300_000 + 18);
    expect(await eventKinds()).toEqual(
      [
        'bin',
        'bin/run.sh',
        'docs',
        'docs/empty.txt',
        'docs/notes',
        'docs/notes/today.md',
        'empty-folder',
        'empty-folder/inner',
        'media',
        'media/blob.bin',
      ].map((p) => `FileCreated ${p}`),
    );
    const blob = await state('media/blob.bin');
    const expected = await hashFile(file('media/blob.bin'));
    expect(blob?.content).toEqual({ hash: expected.hash, size: 300_000, chunks: expected.chunks });
    expect(blob?.fields).toMatchObject({ mode: 0o644 });
    expect((await state('bin/run.sh'))?.fields).toMatchObject({ mode: 0o755 });
    expect((await state('docs/empty.txt'))?.content).toEqual({
      hash: EMPTY_HASH,
      size: 0,
      chunks: [],
    });
    expect((await state('empty-folder/inner'))?.content).toEqual(DIRECTORY_CONTENT);
    // The scanner handed every chunk to onChunk (here: the in-memory hub).
    for (const c of expected.chunks) expect(chunks.chunks.has(c.hash)).toBe(true);
  });

  it('a rescan of an unchanged tree hashes nothing and writes no event', async () => {
    await put('a/one.txt', 'one');
    await put('a/b/two.txt', 'two');
    await mkdir(file('c'));
    await device.scanner.fullScan();
    const before = await eventCount();

    const again = await device.scanner.fullScan();

    expect(again).toMatchObject({ scanned: 2, hashed: 0, created: 0, updated: 0, deleted: 0 });
    expect(await eventCount()).toBe(before);
  });

  it('a touch (mtime only) is hashed but is no change', async () => {
    await put('a.txt', 'same');
    await device.scanner.fullScan();
    const before = await eventCount();
    await utimes(file('a.txt'), new Date(), new Date(Date.now() + 5_000));

    const summary = await device.scanner.fullScan();

    expect(summary).toMatchObject({ hashed: 1, created: 0, updated: 0 });
    expect(await eventCount()).toBe(before);
    // And the index learned the new mtime: the next scan does not hash it again.
    expect((await device.scanner.fullScan()).hashed).toBe(0);
  });

  it('an edit is an update with the new content; chmod +x is a metadata-only update', async () => {
    await put('a.txt', 'v1');
    await chmod(file('a.txt'), 0o644);
    await device.scanner.fullScan();
    await put('a.txt', 'version two');
    expect(await device.scanner.fullScan()).toMatchObject({ updated: 1, created: 0 });
    const v2 = await state('a.txt');
    expect(v2?.content?.hash).toBe((await hashFile(file('a.txt'))).hash);
    expect(v2?.conflicts).toEqual([]);

    await chmod(file('a.txt'), 0o755);
    expect(await device.scanner.fullScan()).toMatchObject({ updated: 1 });
    const v3 = await state('a.txt');
    expect(v3?.fields['mode']).toBe(0o755);
    expect(v3?.winner?.id).toBe(v2?.winner?.id); // same version: only metadata changed
  });

  it('a rename is a delete and a create with the same content', async () => {
    await put('old/name.bin', randomBytes(1000));
    await device.scanner.fullScan();
    const hash = (await state('old/name.bin'))?.content?.hash;
    await rename(file('old'), file('new'));

    const summary = await device.scanner.fullScan();

    expect(summary).toMatchObject({ created: 2, deleted: 2 });
    expect((await state('old/name.bin'))?.exists).toBe(false);
    expect((await state('old'))?.exists).toBe(false);
    expect((await state('new/name.bin'))?.content?.hash).toBe(hash);
    expect((await state('new'))?.content).toEqual(DIRECTORY_CONTENT);
  });

  it('a deleted folder deletes its files and itself', async () => {
    await put('gone/a.txt', 'a');
    await put('gone/deep/b.txt', 'b');
    await put('kept.txt', 'k');
    await device.scanner.fullScan();
    await rm(file('gone'), { recursive: true });

    expect(await device.scanner.fullScan()).toMatchObject({
      deleted: 4,
      foldersDeleted: 2,
      created: 0,
    });
    for (const p of ['gone', 'gone/a.txt', 'gone/deep', 'gone/deep/b.txt']) {
      expect((await state(p))?.exists).toBe(false);
    }
    expect((await state('kept.txt'))?.exists).toBe(true);
    expect(await device.index.list('gone')).toEqual([]);
  });

  it('a folder replaced by a file in a full scan: what it held goes, the file comes', async () => {
    await put('d/a.txt', 'a');
    await put('d/sub/b.txt', 'b');
    await device.scanner.fullScan();
    await rm(file('d'), { recursive: true });
    await put('d', 'now a file');

    // The path itself is one entity, a folder before and a file now: updated, not created.
    expect(await device.scanner.fullScan()).toMatchObject({ updated: 1, deleted: 3, created: 0 });
    for (const p of ['d/a.txt', 'd/sub', 'd/sub/b.txt'])
      expect((await state(p))?.exists).toBe(false);
    expect((await state('d'))?.content?.hash).toBe(sha256('now a file'));
    expect((await device.index.list('d')).map((e) => [e.path, e.kind])).toEqual([['d', 'file']]);
  });

  it('index rows under a folder that has no row of its own are compared too', async () => {
    // Rows for files of a folder whose own row is missing (an index written by an older
    // version, or a crash between two statements): the folder's parent implies it.
    await put('p/q/kept.txt', 'kept');
    await put('p/q/gone.txt', 'gone');
    await put('r/s/all-gone.txt', 'x');
    await device.scanner.fullScan();
    await device.index.deleteMany(['p/q', 'r', 'r/s']);
    await rm(file('p/q/gone.txt'));
    await rm(file('r'), { recursive: true });

    const summary = await device.scanner.fullScan();

    // p/q is recorded again as the folder it is (its row was missing); the gone files go.
    expect(summary).toMatchObject({ deleted: 2 });
    expect((await state('p/q/gone.txt'))?.exists).toBe(false);
    expect((await state('r/s/all-gone.txt'))?.exists).toBe(false);
    expect((await state('p/q/kept.txt'))?.exists).toBe(true);
    expect((await device.index.list('r')).map((e) => e.path)).toEqual([]);
    expect((await device.index.list('p')).map((e) => e.path).sort()).toEqual([
      'p',
      'p/q',
      'p/q/kept.txt',
    ]);
  });

  it('a scan larger than one segment: every create, edit and delete recorded once', async () => {
    // 9,000 files in 30 folders: more than two segments of 4,000 paths.
    for (let d = 0; d < 30; d++) {
      await mkdir(file(`f${d}`), { recursive: true });
      for (let i = 0; i < 300; i++) writeFileSync(file(`f${d}/${i}.txt`), `${d}/${i}`);
    }
    expect(await device.scanner.fullScan()).toMatchObject({
      scanned: 9_000,
      created: 9_030,
      hashed: 9_000,
    });
    // Edits in the first folder, deletes in the middle one, a folder gone at the end.
    for (let i = 0; i < 300; i += 3) writeFileSync(file(`f0/${i}.txt`), `edited ${i}`);
    for (let i = 0; i < 300; i += 2) await rm(file(`f15/${i}.txt`));
    await rm(file('f29'), { recursive: true });
    const before = await eventCount();

    const summary = await device.scanner.fullScan();

    expect(summary).toMatchObject({ updated: 100, deleted: 150 + 301, created: 0 });
    expect((await eventCount()) - before).toBe(100 + 150 + 301);
    expect((await state('f0/3.txt'))?.content?.hash).toBe(sha256('edited 3'));
    expect((await state('f15/2.txt'))?.exists).toBe(false);
    expect((await state('f15/3.txt'))?.exists).toBe(true);
    expect((await state('f29'))?.exists).toBe(false);
    expect(await device.index.list('f29')).toEqual([]);
    // And nothing is left to do.
    expect(await device.scanner.fullScan()).toMatchObject({ hashed: 0, created: 0, deleted: 0 });
  });

  it('skips ignored files: .netguardianignore rules and built-in temp patterns', async () => {
    device.setIgnore('build/\n*.log\n!keep.log\n');
    await put(IGNORE_FILE, 'build/\n*.log\n!keep.log\n');
    await put('build/out.js', 'x');
    await put('src/build/deep.js', 'x');
    await put('debug.log', 'x');
    await put('keep.log', 'x');
    await put('.ng-tmp-abc123', 'x');
    await put('doc.swp', 'x');
    await put('.DS_Store', 'x');
    await put('~$report.docx', 'x');
    await put('download.crdownload', 'x');
    await put('src/main.ts', 'x');

    await device.scanner.fullScan();

    expect(await eventKinds()).toEqual(
      // The ignore file itself is each device's own: never recorded.
      ['keep.log', 'src', 'src/main.ts'].map((p) => `FileCreated ${p}`),
    );
  });

  it('a path that becomes ignored is forgotten, not deleted', async () => {
    await put('notes.tmpl', 'x');
    await device.scanner.fullScan();
    device.setIgnore('*.tmpl\n');

    expect(await device.scanner.fullScan()).toMatchObject({ deleted: 0 });
    expect((await state('notes.tmpl'))?.exists).toBe(true);
    expect(await device.index.get('notes.tmpl')).toBeUndefined();
  });

  it('never follows symlinks: skips and counts them', async () => {
    const outside = path.join(tmp.path, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    await put('real.txt', 'real');
    await symlink(outside, file('linked-dir'));
    await symlink(file('real.txt'), file('linked-file'));

    const summary = await device.scanner.fullScan();

    expect(summary.skippedSymlinks).toBe(2);
    expect(await eventKinds()).toEqual(['FileCreated real.txt']);
    // Asked about a path through the symlink, it does not follow it either.
    const direct = await device.scanner.scanPaths(['linked-dir/secret.txt', 'linked-dir']);
    expect(direct.created).toBe(0);
    expect(await eventKinds()).toEqual(['FileCreated real.txt']);
  });

  it.runIf(process.platform === 'linux')(
    'records every name Linux holds; lists one that is not UTF-8 and goes on',
    async () => {
      await put('fine.txt', 'x');
      await put('what?.txt', 'x'); // not a name Windows peers can write: they list it
      await put('trailing. ', 'x');
      // Bytes that are not UTF-8: Node reads the name back with U+FFFD, under which nothing is.
      writeFileSync(Buffer.concat([Buffer.from(`${device.root}/bad-`), Buffer.from([0xff])]), 'x');

      const summary = await device.scanner.fullScan();

      expect(summary.created).toBe(3);
      expect(await eventKinds()).toEqual([
        'FileCreated fine.txt',
        'FileCreated trailing. ',
        'FileCreated what?.txt',
      ]);
      expect(summary.errors.map((e) => [e.path, e.code])).toEqual([['bad-\ufffd', 'InvalidPath']]);
    },
  );

  it.skipIf(process.getuid?.() === 0)(
    'an unreadable file is an error entry, not a crash',
    async () => {
      await put('locked.txt', 'x');
      await put('open.txt', 'y');
      await chmod(file('locked.txt'), 0o000);

      const summary = await device.scanner.fullScan();

      expect(summary.created).toBe(1);
      expect(summary.errors).toEqual([
        expect.objectContaining({ path: 'locked.txt', code: 'FileSystemError' }),
      ]);
      await chmod(file('locked.txt'), 0o644);
    },
  );

  it('a file that fails while being read is an error entry, not a crash', async () => {
    await put('fine.txt', 'fine');
    await put('failing.txt', 'this one fails mid-read');
    const failing = (await hashFile(file('failing.txt'))).hash;
    const scanner = createScanner({
      root: device.root,
      spaceId: SPACE,
      index: device.index,
      manager: device.manager,
      ignore: () => IgnoreRules.fromText(''),
      onChunk: (ref) => {
        if (ref.hash === failing) throw new Error('EIO: i/o error, read');
      },
    });

    const summary = await scanner.fullScan();

    expect(summary.created).toBe(1);
    expect(summary.errors).toEqual([
      expect.objectContaining({ path: 'failing.txt', code: 'FileSystemError' }),
    ]);
    // Not indexed, so the next scan tries it again.
    expect(await device.index.get('failing.txt')).toBeUndefined();
  });

  it('a missing root records nothing (an unmounted drive must not delete everything)', async () => {
    await put('a.txt', 'x');
    await device.scanner.fullScan();
    await rm(device.root, { recursive: true });

    const summary = await device.scanner.fullScan();

    expect(summary.deleted).toBe(0);
    expect(summary.errors[0]?.code).toBe('FileSystemError');
    expect((await state('a.txt'))?.exists).toBe(true);
  });

  it('reports progress, ending with the totals', async () => {
    for (let i = 0; i < 20; i++) await put(`p/${i}.txt`, `file ${i}`);
    const seen: ScanProgress[] = [];
    const scanner = createScanner({
      root: device.root,
      spaceId: SPACE,
      index: device.index,
      manager: device.manager,
      ignore: () => IgnoreRules.fromText(''),
      onProgress: (p) => seen.push(p),
      progressIntervalMs: 0,
    });
    await scanner.fullScan();
    expect(seen.at(-1)).toMatchObject({ phase: 'done', filesSeen: 20, toHash: 20, hashed: 20 });
    expect(seen.some((p) => p.phase === 'hashing')).toBe(true);
  });
});

describe('scanner: scanPaths', () => {
  it('records the given paths only: new, changed and gone', async () => {
    await put('a.txt', 'a');
    await put('b.txt', 'b');
    await device.scanner.fullScan();
    await put('a.txt', 'a2');
    await rm(file('b.txt'));
    await put('new/c.txt', 'c');
    await put('unrelated.txt', 'not asked about');

    const summary = await device.scanner.scanPaths(['a.txt', 'b.txt', 'new']);

    expect(summary).toMatchObject({ updated: 1, deleted: 1, created: 2 });
    expect((await state('new/c.txt'))?.exists).toBe(true);
    expect(await state('unrelated.txt')).toBeUndefined();
  });

  it('a folder replaced by a file: the folder and its content go, the file comes', async () => {
    await put('x/inner.txt', 'i');
    await device.scanner.fullScan();
    await rm(file('x'), { recursive: true });
    await put('x', 'now a file');

    const summary = await device.scanner.scanPaths(['x']);

    expect(summary).toMatchObject({ deleted: 1, updated: 1 });
    expect((await state('x/inner.txt'))?.exists).toBe(false);
    expect((await state('x'))?.content?.size).toBe(10);
  });

  it('a second save of the same size within one tick of the clock is recorded when named again', async () => {
    // A file system that keeps whole seconds (HFS+; FAT keeps two, a Linux kernel before 6.13
    // a scheduler tick): both saves get this time, and the second keeps the inode (in place).
    const tick = Math.floor(Date.now() / 1000);
    await put('notes.txt', 'first save\n');
    await utimes(file('notes.txt'), tick, tick);
    await device.scanner.scanPaths(['notes.txt']);
    const first = await lstat(file('notes.txt'));
    writeFileSync(file('notes.txt'), 'other save\n');
    await utimes(file('notes.txt'), tick, tick);
    expect(diskStatOf(await lstat(file('notes.txt')))).toEqual(diskStatOf(first));

    // What the watcher does after the second save.
    const summary = await device.scanner.scanPaths(['notes.txt']);

    expect(summary).toMatchObject({ hashed: 1, updated: 1 });
    expect((await state('notes.txt'))?.content?.hash).toBe(sha256('other save\n'));
  });

  it('a file last changed a minute before it was indexed is not hashed again while unchanged', async () => {
    const minuteAgo = Date.now() / 1000 - 60;
    await put('old.txt', 'kept\n');
    await utimes(file('old.txt'), minuteAgo, minuteAgo);
    await device.scanner.scanPaths(['old.txt']);

    expect(await device.scanner.scanPaths(['old.txt'])).toMatchObject({ scanned: 1, hashed: 0 });
  });
});

describe('scanner: local changes against versions not yet on disk', () => {
  let peer: FolderDevice;
  let peerTmp: TempDir;

  beforeEach(async () => {
    peerTmp = await makeTempDir('ng-scanner-peer-');
    peer = await openFolderDevice({
      nodeId: 'desktop',
      spaceId: SPACE,
      dir: peerTmp.path,
      chunks,
      store: stores.desktop,
    });
  });
  afterEach(async () => {
    await peer.close();
    await peerTmp.cleanup();
  });

  /** Both devices have report.txt = v1 on disk; the peer then edits it, and this device takes in the event without materializing it. */
  async function remoteEditNotYetOnDisk(): Promise<void> {
    await put('report.txt', 'v1');
    await device.scanner.fullScan();
    await pullEvents(peer, device);
    await peer.materializer.apply(['report.txt']);
    await writeFile(path.join(peer.root, 'report.txt'), 'v2 from desktop');
    await peer.scanner.fullScan();
    await pullEvents(device, peer);
  }

  it('an edit made before the remote version arrived on disk is a conflict sibling, not an overwrite', async () => {
    await remoteEditNotYetOnDisk();
    await put('report.txt', 'v2 from laptop');

    expect(await device.scanner.fullScan()).toMatchObject({ updated: 1 });

    const view = await state('report.txt');
    const hashes = [view?.content?.hash, ...(view?.conflicts ?? []).map((c) => c.value?.hash)];
    expect(hashes).toHaveLength(2);
    expect(new Set(hashes)).toEqual(
      new Set([
        (await hashFile(file('report.txt'))).hash,
        (await hashFile(path.join(peer.root, 'report.txt'))).hash,
      ]),
    );
  });

  it('a delete made before the remote edit arrived on disk loses to it (modify beats delete)', async () => {
    await remoteEditNotYetOnDisk();
    await rm(file('report.txt'));

    expect(await device.scanner.fullScan()).toMatchObject({ deleted: 1 });

    const view = await state('report.txt');
    expect(view?.exists).toBe(true);
    expect(view?.content?.hash).toBe((await hashFile(path.join(peer.root, 'report.txt'))).hash);
    expect(view?.lostDeletes).toHaveLength(1);
  });

  it('an unchanged file whose remote edit is not on disk yet is no change (a touch does not fork it)', async () => {
    await remoteEditNotYetOnDisk();
    const before = await eventCount();
    await utimes(file('report.txt'), new Date(), new Date(Date.now() + 10_000));

    expect(await device.scanner.fullScan()).toMatchObject({ hashed: 1, updated: 0, created: 0 });
    expect(await eventCount()).toBe(before);
  });

  it('a file created here at a path a peer created too is a conflict, not an overwrite', async () => {
    await writeFile(path.join(peer.root, 'same-name.txt'), 'from desktop');
    await peer.scanner.fullScan();
    await pullEvents(device, peer);
    await put('same-name.txt', 'from laptop');

    expect(await device.scanner.fullScan()).toMatchObject({ updated: 1 });
    expect((await state('same-name.txt'))?.conflicts).toHaveLength(1);
  });
});

describe('scanner: an unchanged tree', () => {
  it('rescans 10,000 unchanged files in 100 folders without hashing or recording anything', async () => {
    for (let d = 0; d < 100; d++) {
      await mkdir(file(`dir${d}`));
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          writeFile(file(`dir${d}/f${i}.txt`), `content ${d} ${i} `.repeat(60 + (i % 100))),
        ),
      );
    }
    // The index as a first scan leaves it (recording 10,000 creations is the store's benchmark, not this one).
    const rows: IndexEntry[] = [];
    for await (const batch of walkTree({
      rootReal: device.root,
      start: '',
      isIgnored: () => false,
      onSymlink: () => undefined,
      onError: () => undefined,
      onUnreadableDir: () => undefined,
    })) {
      for (const f of [...batch.dirs, ...batch.files]) {
        const isDir = f.stats.isDirectory();
        rows.push({
          path: f.path,
          kind: isDir ? 'dir' : 'file',
          ...diskStatOf(f.stats),
          hash: isDir ? null : 'a'.repeat(64),
          chunks: isDir ? null : [{ hash: 'a'.repeat(64), size: f.stats.size }],
          versionClock: { laptop: 1 },
        });
      }
    }
    await device.index.upsertMany(rows);

    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const summary = await device.scanner.fullScan();
      times.push(performance.now() - started);
      expect(summary).toMatchObject({ scanned: 10_000, hashed: 0, created: 0, deleted: 0 });
    }
    // Timing is the bench's business (npm run bench, "rescan"); no timing asserts in tests.
    console.log(
      `rescan of 10,000 unchanged files: ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
    );
    expect(await eventCount()).toBe(0);
  });
});

describe('scanner: reading ahead of the walk', () => {
  it('the walk names the folder it lists next, and every folder it names is listed', async () => {
    for (const dir of ['a/x/deep', 'a/y', 'b', 'c/z'])
      await mkdir(path.join(device.root, dir), { recursive: true });
    const listed: string[] = [];
    const named: (readonly string[])[] = [];
    for await (const batch of walkTree({
      rootReal: device.root,
      start: '',
      isIgnored: () => false,
      upcoming: (dirs) => named.push(dirs),
      onSymlink: () => undefined,
      onError: () => undefined,
      onUnreadableDir: () => undefined,
    }))
      listed.push(batch.dir);
    expect([...listed].sort()).toEqual(['', 'a', 'a/x', 'a/x/deep', 'a/y', 'b', 'c', 'c/z']);
    expect(named).toHaveLength(listed.length);
    named.forEach((next, i) => {
      expect(next.length).toBeLessThanOrEqual(3);
      expect(next[0]).toBe(listed[i + 1]);
      for (const dir of next) expect(listed.slice(i + 1)).toContain(dir);
    });
  });
});
