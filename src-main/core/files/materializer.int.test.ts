import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conflictCopyPath } from '../../../src-shared/conflictNames.js';
import type { FileVersion } from '../../../src-shared/crdt/fileEntity.js';
import {
  MemoryChunks,
  modeOf,
  openFolderDevice,
  pullAndApply,
  pullEvents,
  treeOf,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { hashFile } from './fileHasher.js';
import { TEMP_PREFIX } from './ignoreRules.js';
import { createMaterializer } from './materializer.js';
import { TempFlusher } from './tempFlusher.js';

/**
 * Two devices, each with a real folder and a real PGlite store, exchanging
 * events store to store and chunks through an in-memory chunk source.
 * `desktop` makes changes; `laptop` materializes them (and vice versa).
 */
let stores: { laptop: EventStore; desktop: EventStore };
let spaceNo = 0;
let tmp: TempDir;
let chunks: MemoryChunks;
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
  const spaceId = `mat-${++spaceNo}`;
  tmp = await makeTempDir('ng-materializer-');
  chunks = new MemoryChunks();
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
async function put(device: FolderDevice, rel: string, content: string | Uint8Array) {
  await mkdir(path.dirname(at(device, rel)), { recursive: true });
  await writeFile(at(device, rel), content);
}
const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const noTemp = (rel: string) => rel.split('/').some((s) => s.startsWith(TEMP_PREFIX));

/** desktop scans, laptop pulls and applies. */
async function propagate() {
  await desktop.scanner.fullScan();
  return pullAndApply(laptop, desktop);
}

/** The distinct text contents of every file in a device's folder. */
async function textContents(device: FolderDevice): Promise<Set<string>> {
  const contents = new Set<string>();
  for (const [rel] of await treeOf(device.root))
    contents.add(await readFile(at(device, rel), 'utf8'));
  return contents;
}

async function tempFilesUnder(root: string): Promise<string[]> {
  return [...(await treeOf(root)).keys()].filter(noTemp);
}

async function writeRandomFile(file: string, bytes: number, seed: number): Promise<void> {
  async function* blocks() {
    for (let left = bytes, n = seed; left > 0; left -= 1024 * 1024) {
      yield randomBlock(Math.min(left, 1024 * 1024), n++);
      await Promise.resolve();
    }
  }
  await pipeline(blocks(), createWriteStream(file));
}

/** Deterministic pseudo-random bytes (content-defined chunking needs varied content). */
function randomBlock(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, Math.min(i, size - 4));
  }
  return out;
}

describe('materializer: writing remote versions', () => {
  it('writes files and folders atomically with their bytes, mode and mtime', async () => {
    const binary = randomBytes(700_000);
    await put(desktop, 'docs/readme.md', '# hello\n');
    await put(desktop, 'docs/deep/er/empty.txt', '');
    await put(desktop, 'bin/tool', binary);
    await chmod(at(desktop, 'bin/tool'), 0o755);
    await mkdir(at(desktop, 'empty-dir/nested'), { recursive: true });

    const report = await propagate();

    expect(report.errors).toEqual([]);
    expect([...report.written].sort()).toEqual([
      'bin/tool',
      'docs/deep/er/empty.txt',
      'docs/readme.md',
    ]);
    expect(await treeOf(laptop.root)).toEqual(await treeOf(desktop.root));
    expect(await tempFilesUnder(laptop.root)).toEqual([]);
    expect(await modeOf(at(laptop, 'bin/tool'))).toBe(0o755);
    expect(await modeOf(at(laptop, 'docs/readme.md'))).toBe(0o644);
    const [mine, theirs] = await Promise.all([
      lstat(at(laptop, 'docs/readme.md')),
      lstat(at(desktop, 'docs/readme.md')),
    ]);
    expect(Math.abs(mine.mtimeMs - theirs.mtimeMs)).toBeLessThan(1);
    expect((await lstat(at(laptop, 'docs/deep/er/empty.txt'))).size).toBe(0);
  });

  it('its own writes do not echo: a scan right after apply records nothing', async () => {
    await put(desktop, 'a/b/c.txt', 'content');
    await put(desktop, 'x.bin', randomBytes(200_000));
    await put(desktop, 'zero', '');
    await mkdir(at(desktop, 'empty'));
    await propagate();
    const before = await laptop.store.countEvents(laptop.manager.spaceId);

    const scan = await laptop.scanner.fullScan();

    expect(scan).toMatchObject({ hashed: 0, created: 0, updated: 0, deleted: 0, errors: [] });
    expect(await laptop.store.countEvents(laptop.manager.spaceId)).toBe(before);
  });

  it('applies edits, chmod, deletes and renames, and folders removed with their files', async () => {
    await put(desktop, 'keep.txt', 'v1');
    await put(desktop, 'script.sh', 'echo');
    await put(desktop, 'dir/a.txt', 'a');
    await put(desktop, 'dir/sub/b.txt', 'b');
    await put(desktop, 'rename-me.txt', 'moving');
    await propagate();

    await put(desktop, 'keep.txt', 'v2, longer');
    await chmod(at(desktop, 'script.sh'), 0o755);
    await rm(at(desktop, 'dir'), { recursive: true });
    await mkdir(at(desktop, 'moved'));
    await writeFile(at(desktop, 'moved/renamed.txt'), 'moving');
    await rm(at(desktop, 'rename-me.txt'));
    const report = await propagate();

    expect(report.errors).toEqual([]);
    expect(report.modeChanged).toEqual(['script.sh']);
    expect(await treeOf(laptop.root)).toEqual(await treeOf(desktop.root));
    expect(await modeOf(at(laptop, 'script.sh'))).toBe(0o755);
    // The renamed file was assembled from the local copy, not downloaded.
    expect(report.chunksDownloaded).toBe(1); // keep.txt's new content only
    expect(report.chunksReused).toBeGreaterThanOrEqual(1);
    expect((await laptop.scanner.fullScan()).created).toBe(0);
  });

  it('writes 0-byte and 50 MiB files; an insert in the middle downloads only a few chunks', async () => {
    await put(desktop, 'zero.dat', '');
    await writeRandomFile(at(desktop, 'big.dat'), 50 * 1024 * 1024, 7);
    const first = await propagate();
    expect(first.errors).toEqual([]);
    expect(await treeOf(laptop.root)).toEqual(await treeOf(desktop.root));
    const chunkCount = (await laptop.manager.getFileState('big.dat'))?.content?.chunks?.length ?? 0;
    expect(chunkCount).toBeGreaterThan(20);

    const original = await readFile(at(desktop, 'big.dat'));
    const middle = original.length / 2;
    await writeFile(
      at(desktop, 'big.dat'),
      Buffer.concat([original.subarray(0, middle), Buffer.from([42]), original.subarray(middle)]),
    );
    const second = await propagate();

    expect(second.errors).toEqual([]);
    expect(second.chunksDownloaded).toBeLessThanOrEqual(3);
    expect(second.chunksReused).toBeGreaterThan(chunkCount - 5);
    expect((await hashFile(at(laptop, 'big.dat'))).hash).toBe(
      (await hashFile(at(desktop, 'big.dat'))).hash,
    );
    expect(await tempFilesUnder(laptop.root)).toEqual([]);

    // A rename downloads nothing: every chunk, the small tail included, comes from the local copy.
    await mkdir(at(desktop, 'archive'));
    await rename(at(desktop, 'big.dat'), at(desktop, 'archive/big-renamed.dat'));
    const third = await propagate();
    expect(third.errors).toEqual([]);
    expect(third.chunksDownloaded).toBe(0);
    expect(await treeOf(laptop.root)).toEqual(await treeOf(desktop.root));
  });
});

describe('materializer: local reuse, leftovers, ignore rules', () => {
  it('a renamed multi-chunk file whose last chunk is small downloads nothing', async () => {
    // Fixed seeds, the first whose content-defined tail chunk is under 64 KiB: deterministic.
    let bytes: Buffer | undefined;
    for (let seed = 1; seed <= 200 && !bytes; seed++) {
      const candidate = randomBlock(2 * 1024 * 1024 + 4096, seed);
      await writeFile(at(desktop, 'probe.bin'), candidate);
      const { chunks: cs } = await hashFile(at(desktop, 'probe.bin'));
      if (cs.length >= 2 && (cs.at(-1)?.size ?? Infinity) < 64 * 1024) bytes = candidate;
    }
    await rm(at(desktop, 'probe.bin'));
    expect(bytes).toBeDefined();
    await put(desktop, 'report.pdf', bytes as Buffer);
    await propagate();
    await mkdir(at(desktop, 'old'));
    await rename(at(desktop, 'report.pdf'), at(desktop, 'old/report-2024.pdf'));

    const report = await propagate();

    expect(report.chunksDownloaded).toBe(0);
    expect(await treeOf(laptop.root)).toEqual(await treeOf(desktop.root));
  });

  it('never reuses a local chunk that no longer matches (the file changed since it was indexed)', async () => {
    const bytes = randomBytes(100_000);
    await put(desktop, 'a.bin', bytes);
    await propagate();
    // laptop's a.bin changes in place, same size, not scanned yet.
    await writeFile(at(laptop, 'a.bin'), randomBytes(100_000));
    await put(desktop, 'copy.bin', bytes);

    const report = await propagate();

    expect(report.chunksReused).toBe(0);
    expect(report.chunksDownloaded).toBe(1);
    expect(await readFile(at(laptop, 'copy.bin'))).toEqual(bytes);
  });

  it('a deleted folder holding only ignored leftovers goes to the trash whole', async () => {
    await mkdir(at(desktop, 'photos'));
    await put(desktop, 'photos/a.jpg', 'jpg');
    await propagate();
    await writeFile(at(laptop, 'photos/.DS_Store'), 'finder');
    await rm(at(desktop, 'photos'), { recursive: true });

    const report = await propagate();

    expect(report.errors).toEqual([]);
    expect([...report.removed].sort()).toEqual(['photos', 'photos/a.jpg']);
    expect(await treeOf(laptop.root)).toEqual(new Map());
    const kept = await laptop.materializer.trash.list();
    expect(kept.map((r) => [r.path, r.kind]).sort()).toEqual([
      ['photos', 'dir'],
      ['photos/a.jpg', 'file'],
    ]);
  });

  it('a deleted folder that still holds a new local file stays (and that file is not lost)', async () => {
    await mkdir(at(desktop, 'shared'));
    await put(desktop, 'shared/old.txt', 'old');
    await propagate();
    await writeFile(at(laptop, 'shared/mine.txt'), 'new here');
    await rm(at(desktop, 'shared'), { recursive: true });

    const report = await propagate();

    expect(report.deferred).toEqual(['shared']);
    expect(await readFile(at(laptop, 'shared/mine.txt'), 'utf8')).toBe('new here');
    // Scanned like any new file; the folder is recorded again with it.
    expect(await laptop.scanner.fullScan()).toMatchObject({ created: 2 });
  });

  it('does not materialize paths this device ignores', async () => {
    laptop.setIgnore('*.iso\n');
    await put(desktop, 'big.iso', 'image');
    await put(desktop, 'note.txt', 'n');

    const report = await propagate();

    expect(report.written).toEqual(['note.txt']);
    expect([...(await treeOf(laptop.root)).keys()]).toEqual(['note.txt']);
  });
});

describe('materializer: never outside the root', () => {
  it('refuses hostile entity ids and writes nothing outside', async () => {
    const outsideBefore = await readdir(tmp.path);

    const report = await laptop.materializer.apply([
      '../../x',
      '../escape.txt',
      '/etc/netguardian-test',
      'a/../../x',
      'nul\u0000byte',
    ]);

    expect(report.errors.map((e) => [e.path, e.code])).toEqual([
      ['../../x', 'PathEscapesRoot'],
      ['../escape.txt', 'PathEscapesRoot'],
      ['/etc/netguardian-test', 'PathEscapesRoot'],
      ['a/../../x', 'PathEscapesRoot'],
      ['nul\u0000byte', 'InvalidPath'],
    ]);
    expect(await readdir(tmp.path)).toEqual(outsideBefore);
    expect(await treeOf(laptop.root)).toEqual(new Map());
  });

  it('does not follow a symlinked folder out of the root', async () => {
    const outside = path.join(tmp.path, 'outside');
    await mkdir(outside);
    await symlink(outside, at(laptop, 'shared'));
    await put(desktop, 'shared/evil.txt', 'should never leave the root');

    const report = await propagate();

    expect(report.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'shared', code: 'PathEscapesRoot' }),
      ]),
    );
    expect(report.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'shared/evil.txt', code: 'PathEscapesRoot' }),
      ]),
    );
    expect(await readdir(outside)).toEqual([]);
  });

  it('does not replace a symlink where a file goes (nor write through it)', async () => {
    const outsideFile = path.join(tmp.path, 'outside.txt');
    await writeFile(outsideFile, 'untouched');
    await symlink(outsideFile, at(laptop, 'note.txt'));
    await put(desktop, 'note.txt', 'remote content');

    const report = await propagate();

    expect(report.errors).toEqual([
      expect.objectContaining({ path: 'note.txt', code: 'PathEscapesRoot' }),
    ]);
    expect(await readFile(outsideFile, 'utf8')).toBe('untouched');
    expect((await lstat(at(laptop, 'note.txt'))).isSymbolicLink()).toBe(true);
  });
});

describe('materializer: nothing lost', () => {
  it('keeps replaced and deleted content in the trash, restorable', async () => {
    await put(desktop, 'doc.txt', 'original');
    await put(desktop, 'old.txt', 'will be deleted');
    await propagate();
    await put(desktop, 'doc.txt', 'replacement');
    await rm(at(desktop, 'old.txt'));
    await propagate();

    const records = await laptop.materializer.trash.list();
    expect(records.map((r) => [r.path, r.reason, r.hash]).sort()).toEqual([
      ['doc.txt', 'replaced', sha('original')],
      ['old.txt', 'deleted', sha('will be deleted')],
    ]);
    const replaced = records.find((r) => r.path === 'doc.txt');
    expect(
      await readFile(
        path.join(laptop.materializer.trash.dir, replaced?.id ?? '', 'doc.txt'),
        'utf8',
      ),
    ).toBe('original');

    const restored = await laptop.materializer.trash.restore(replaced?.id ?? '', laptop.root);
    expect(restored).toEqual({ ok: true, value: 'doc.txt' });
    expect(await readFile(at(laptop, 'doc.txt'), 'utf8')).toBe('original');
    // What it displaced went to the trash in turn.
    const after = await laptop.materializer.trash.list();
    expect(after.map((r) => [r.path, r.reason]).sort()).toEqual([
      ['doc.txt', 'displaced-by-restore'],
      ['old.txt', 'deleted'],
    ]);
    // The restore is a local change like any other.
    expect(await laptop.scanner.scanPaths(['doc.txt'])).toMatchObject({ updated: 1 });
  });

  it('an unscanned local edit becomes a conflict, never overwritten', async () => {
    await put(desktop, 'report.txt', 'v1');
    await propagate();
    await put(laptop, 'report.txt', 'laptop edit, not scanned yet');
    await put(desktop, 'report.txt', 'desktop edit');

    const report = await propagate();

    expect(report.errors).toEqual([]);
    const view = await laptop.manager.getFileState('report.txt');
    expect(view?.conflicts).toHaveLength(1);
    expect(await textContents(laptop)).toEqual(
      new Set(['laptop edit, not scanned yet', 'desktop edit']),
    );
    const loser = view?.conflicts[0];
    expect(report.conflictCopies).toEqual([conflictCopyPath('report.txt', loser as never)]);
  });

  it('a local edit saved while the written files are flushed is scanned at the last look, never overwritten', async () => {
    await put(desktop, 'report.txt', 'v1');
    await propagate();
    await put(desktop, 'report.txt', 'desktop edit');
    await desktop.scanner.fullScan();
    // The user saves on the laptop just as the pulled version's temp file is being flushed:
    // after the materializer's first check of the file, before its rename.
    class EditingFlusher extends TempFlusher {
      override async flush(files: readonly string[]): Promise<void> {
        await writeFile(at(laptop, 'report.txt'), 'laptop edit during the flush');
        return super.flush(files);
      }
    }
    const materializer = createMaterializer({
      root: laptop.root,
      spaceId: laptop.manager.spaceId,
      dataDir: laptop.dataDir,
      index: laptop.index,
      manager: laptop.manager,
      chunks,
      scanner: laptop.scanner,
      flusher: new EditingFlusher(),
    });

    const report = await materializer.apply(await pullEvents(laptop, desktop));

    expect(report.errors).toEqual([]);
    const view = await laptop.manager.getFileState('report.txt');
    expect(view?.conflicts).toHaveLength(1);
    expect(await textContents(laptop)).toEqual(
      new Set(['laptop edit during the flush', 'desktop edit']),
    );
    expect(await tempFilesUnder(laptop.root)).toEqual([]);
  });

  it('a chmod or an edit made while a conflict copy downloads is recorded, never taken for the written state', async () => {
    for (const [file, userChange] of [
      ['mode.txt', () => chmod(at(laptop, 'mode.txt'), 0o600)],
      ['edit.txt', () => writeFile(at(laptop, 'edit.txt'), 'laptop, saved again during the pull')],
    ] as const) {
      await put(desktop, file, 'v1');
      await propagate();
      // Both edit; the laptop's is newer, so it stays at the path and the desktop's becomes a
      // conflict copy, whose bytes the laptop downloads.
      const now = Date.now();
      await put(desktop, file, `desktop version of ${file}`);
      await utimes(at(desktop, file), new Date(now), new Date(now - 60_000));
      await desktop.scanner.fullScan();
      await put(laptop, file, `laptop version of ${file}`);
      await chmod(at(laptop, file), 0o644);
      await laptop.scanner.fullScan();
      // The user changes the file while that download is under way.
      let changed = false;
      const source = {
        getChunks: async (spaceId: string, hashes: readonly string[]) => {
          if (!changed) {
            changed = true;
            await userChange();
          }
          return chunks.getChunks(spaceId, hashes);
        },
      };
      const materializer = createMaterializer({
        root: laptop.root,
        spaceId: laptop.manager.spaceId,
        dataDir: laptop.dataDir,
        index: laptop.index,
        manager: laptop.manager,
        chunks: source,
        scanner: laptop.scanner,
      });

      const report = await materializer.apply(await pullEvents(laptop, desktop));

      expect(report.errors).toEqual([]);
      expect(changed, file).toBe(true);
      // Recorded by the apply itself (an edit: scanned first) or by the next scan (a chmod: the
      // row keeps the bits as they were checked); never taken for what the device wrote.
      await laptop.scanner.scanPaths([file]);
    }
    expect((await laptop.manager.getFileState('mode.txt'))?.fields['mode']).toBe(0o600);
    expect((await laptop.manager.getFileState('edit.txt'))?.content?.hash).toBe(
      sha('laptop, saved again during the pull'),
    );
  });

  it('a local delete not scanned yet is not undone silently: the remote edit wins (modify beats delete)', async () => {
    await put(desktop, 'f.txt', 'v1');
    await propagate();
    await rm(at(laptop, 'f.txt'));
    await put(desktop, 'f.txt', 'v2');

    const report = await propagate();

    expect(report.errors).toEqual([]);
    expect(await readFile(at(laptop, 'f.txt'), 'utf8')).toBe('v2');
    expect((await laptop.manager.getFileState('f.txt'))?.lostDeletes).toHaveLength(1);
  });

  it('concurrent edits: the same winner and the same conflict copy on both devices', async () => {
    await put(desktop, 'plan.md', 'base');
    await propagate();
    await put(desktop, 'plan.md', 'desktop version');
    await put(laptop, 'plan.md', 'laptop version');
    await desktop.scanner.fullScan();
    await laptop.scanner.fullScan();

    await laptop.materializer.apply(await pullEvents(laptop, desktop));
    await desktop.materializer.apply(await pullEvents(desktop, laptop));
    // The copies each wrote are new files: exchange those events too.
    await laptop.materializer.apply(await pullEvents(laptop, desktop));
    await desktop.materializer.apply(await pullEvents(desktop, laptop));

    const tree = await treeOf(laptop.root);
    expect(tree).toEqual(await treeOf(desktop.root));
    expect([...tree.keys()].filter((p) => p.includes('.conflict-'))).toHaveLength(1);
    expect(new Set(tree.values())).toEqual(
      new Set([sha('desktop version'), sha('laptop version')]),
    );
    const copy = [...tree.keys()].find((p) => p.includes('.conflict-')) as string;
    const copyView = await laptop.manager.getFileState(copy);
    expect(copyView?.exists).toBe(true);
    // Written by both devices with identical content: one version, not a new conflict.
    expect(copyView?.conflicts).toEqual([]);
    // And nothing echoes.
    expect(
      (await laptop.scanner.fullScan()).created + (await desktop.scanner.fullScan()).created,
    ).toBe(0);
  });

  it("concurrent edits: the newer modification time wins, each file keeps its version's mtime, keep mine leaves no copy", async () => {
    await put(desktop, 'plan.md', 'base');
    await propagate();
    const now = Date.now();
    // The laptop's edit is older (made while it was off) but recorded last.
    await put(desktop, 'plan.md', 'desktop version, edited second');
    await utimes(at(desktop, 'plan.md'), new Date(now), new Date(now - 1_800_000));
    await desktop.scanner.fullScan();
    await put(laptop, 'plan.md', 'laptop version, edited first');
    await utimes(at(laptop, 'plan.md'), new Date(now), new Date(now - 3_600_000));
    await laptop.scanner.fullScan();

    await laptop.materializer.apply(await pullEvents(laptop, desktop));
    await desktop.materializer.apply(await pullEvents(desktop, laptop));
    await laptop.materializer.apply(await pullEvents(laptop, desktop));
    await desktop.materializer.apply(await pullEvents(desktop, laptop));

    const view = await laptop.manager.getFileState('plan.md');
    expect(view?.winner?.nodeId).toBe('desktop');
    const copy = conflictCopyPath('plan.md', view?.conflicts[0] as FileVersion);
    for (const device of [laptop, desktop]) {
      expect(await readFile(at(device, 'plan.md'), 'utf8')).toBe('desktop version, edited second');
      expect(await readFile(at(device, copy), 'utf8')).toBe('laptop version, edited first');
      const [file, copied] = await Promise.all([
        lstat(at(device, 'plan.md')),
        lstat(at(device, copy)),
      ]);
      expect(Math.abs(file.mtimeMs - (now - 1_800_000))).toBeLessThan(1);
      expect(Math.abs(copied.mtimeMs - (now - 3_600_000))).toBeLessThan(1);
    }
    expect(await treeOf(laptop.root)).toEqual(await treeOf(desktop.root));

    // Keep mine on the laptop, whose version is the copy: its content goes to the path, with its
    // mtime, and no copy stays in either folder.
    const resolved = await laptop.manager.resolveConflict('plan.md', 'mine');
    expect(resolved.ok).toBe(true);
    await laptop.materializer.apply(['plan.md', copy]);
    await desktop.materializer.apply(await pullEvents(desktop, laptop));
    for (const device of [laptop, desktop]) {
      const tree = await treeOf(device.root);
      expect([...tree.keys()]).toEqual(['plan.md']);
      expect(await readFile(at(device, 'plan.md'), 'utf8')).toBe('laptop version, edited first');
      expect(
        Math.abs((await lstat(at(device, 'plan.md'))).mtimeMs - (now - 3_600_000)),
      ).toBeLessThan(1);
    }
  });

  it('a corrupted chunk never reaches a file', async () => {
    await put(desktop, 'ok.txt', 'fine');
    await put(desktop, 'victim.bin', randomBytes(50_000));
    await desktop.scanner.fullScan();
    const victim = await desktop.manager.getFileState('victim.bin');
    for (const c of victim?.content?.chunks ?? []) chunks.corrupt.add(c.hash);

    const report = await pullAndApply(laptop, desktop);

    // Refused chunk by chunk, before the whole-file check would catch it.
    expect(report.errors).toEqual([
      expect.objectContaining({ path: 'victim.bin', code: 'ChunkHashMismatch' }),
    ]);
    expect(report.errors[0]?.message).toMatch(/^chunk [0-9a-f]{64} from the source does not match/);
    expect(report.written).toEqual(['ok.txt']);
    expect(await treeOf(laptop.root)).toEqual(new Map([['ok.txt', sha('fine')]]));

    // Once the source serves good bytes, the next apply writes it.
    chunks.corrupt.clear();
    const retry = await laptop.materializer.apply(['victim.bin']);
    expect(retry.written).toEqual(['victim.bin']);
    expect(await treeOf(laptop.root)).toEqual(await treeOf(desktop.root));
  });
});
