import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inotifyWatches } from '../../../test/support/inotify.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { IgnoreRules } from './ignoreRules.js';
import { watchFolder, type FolderWatcher } from './watcher.js';

/** Collects batches and lets a test await the first batch that satisfies a condition (bounded). */
function batchCollector() {
  const batches: string[][] = [];
  const waiters: { test: (seen: Set<string>) => boolean; resolve: () => void }[] = [];
  const seen = () => new Set(batches.flat());
  return {
    batches,
    /** How many batches came so far: `reportedSince(mark(), p)` asks for a batch after now. */
    mark: () => batches.length,
    /** Whether a batch after `mark` names `p` (or, `viaFolder`, a folder above it: scanned whole). */
    reportedSince: (mark: number, p: string, viaFolder = false) =>
      batches
        .slice(mark)
        .some((b) => b.some((q) => q === p || (viaFolder && p.startsWith(`${q}/`)))),
    onPaths: (paths: string[]) => {
      batches.push(paths);
      for (const w of [...waiters]) if (w.test(seen())) w.resolve();
    },
    until: (test: (seen: Set<string>) => boolean, what: string, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (test(seen())) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}; saw ${JSON.stringify(batches)}`)),
          timeoutMs,
        );
        waiters.push({
          test,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
  };
}

describe('watchFolder (real folder, one OS watch per folder)', () => {
  let dir: TempDir;
  let watcher: FolderWatcher | undefined;
  const rules = IgnoreRules.fromText('build/\n*.log');

  beforeEach(async () => {
    dir = await makeTempDir('ng-watch-');
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    await dir.cleanup();
  });

  const start = async (onPaths: (p: string[]) => void, quietMs = 100, root = dir.path) => {
    const errors: Error[] = [];
    watcher = watchFolder({
      root,
      quietMs,
      maxDelayMs: 5_000,
      isIgnored: (rel, isDir) => (isDir ? rules.ignoresDir(rel) : rules.ignoresFile(rel)),
      onPaths,
      onError: (e) => errors.push(e),
    });
    await watcher.ready;
    return errors;
  };

  it('holds one OS watch per folder, none per file, and none for ignored folders', async () => {
    // 3 top folders × 4 subfolders, 25 files in each of the 15 folders and the root: 400 files.
    const folders = ['a', 'b', 'c'].flatMap((top) => [
      top,
      ...[1, 2, 3, 4].map((i) => `${top}/s${i}`),
    ]);
    for (const folder of ['', ...folders]) {
      await mkdir(path.join(dir.path, folder), { recursive: true });
      for (let i = 0; i < 25; i++) await writeFile(path.join(dir.path, folder, `f${i}.txt`), 'x');
    }
    // An ignored folder (build/) with folders and files under it: not watched at all.
    for (const sub of ['build/x', 'build/y']) {
      await mkdir(path.join(dir.path, sub), { recursive: true });
      await writeFile(path.join(dir.path, sub, 'out.o'), 'o');
    }
    const before = await inotifyWatches();
    const c = batchCollector();
    const errors = await start(c.onPaths);
    expect(errors).toEqual([]);
    // The root and its 15 folders: 16, whatever the 400 files.
    expect(watcher?.watchedFolders()).toBe(16);
    expect((await inotifyWatches()) - before).toBe(16);
    // A folder made later is watched too (one more), and so is what is made in it.
    await mkdir(path.join(dir.path, 'c/s4/new'));
    await c.until((seen) => seen.has('c/s4/new'), 'the new folder');
    await writeFile(path.join(dir.path, 'c/s4/new/n.txt'), 'n');
    await c.until((seen) => seen.has('c/s4/new/n.txt'), 'a file in the new folder');
    expect(watcher?.watchedFolders()).toBe(17);
    // A folder removed lets go of its watches, and those of the folders it held.
    rmSync(path.join(dir.path, 'a'), { recursive: true });
    await c.until((seen) => seen.has('a'), 'the removed folder');
    expect(watcher?.watchedFolders()).toBe(12);
    expect((await inotifyWatches()) - before).toBe(12);
    await watcher?.close();
    watcher = undefined;
    expect(await inotifyWatches()).toBe(before);
  });

  it('settles a burst of writes into few batches naming every changed file', async () => {
    const c = batchCollector();
    await start(c.onPaths, 200);
    await mkdir(path.join(dir.path, 'a/b'), { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(path.join(dir.path, 'a/b', `f${i}.txt`), `v${i}`);
    // By name, or (written before the new folder's watch was set) through the folder, reported
    // once watched: the scanner walks it.
    await c.until(
      () => [...Array(20).keys()].every((i) => c.reportedSince(0, `a/b/f${i}.txt`, true)),
      'all 20 files',
    );
    // 20 writes within the quiet period come out as a handful of batches, not 20.
    expect(c.batches.length).toBeLessThan(10);
  });

  it("reports the target of an editor's atomic save (write temp, rename over) and skips ignored paths", async () => {
    await writeFile(path.join(dir.path, 'doc.txt'), 'v1');
    await mkdir(path.join(dir.path, 'build'));
    const c = batchCollector();
    await start(c.onPaths);
    await writeFile(path.join(dir.path, 'build/out.o'), 'x');
    await writeFile(path.join(dir.path, 'debug.log'), 'x');
    await writeFile(path.join(dir.path, '.doc.txt.swp'), 'v2');
    await rename(path.join(dir.path, '.doc.txt.swp'), path.join(dir.path, 'doc.txt'));
    await c.until((s) => s.has('doc.txt'), 'doc.txt');
    const all = new Set(c.batches.flat());
    expect(all.has('build/out.o')).toBe(false);
    expect(all.has('debug.log')).toBe(false);
  });

  it('reports both names of a rename, including a case-only rename', async () => {
    await writeFile(path.join(dir.path, 'old.txt'), 'x');
    await writeFile(path.join(dir.path, 'Readme.md'), 'y');
    const c = batchCollector();
    await start(c.onPaths);
    await rename(path.join(dir.path, 'old.txt'), path.join(dir.path, 'new.txt'));
    await rename(path.join(dir.path, 'Readme.md'), path.join(dir.path, 'README.md'));
    await c.until(
      (s) => ['old.txt', 'new.txt', 'Readme.md', 'README.md'].every((p) => s.has(p)),
      'both renames',
    );
  });

  it('reports a chmod alone, on a file read since its last edit (chokidar says nothing then)', async () => {
    const file = path.join(dir.path, 'sub', 'script.sh');
    await mkdir(path.dirname(file));
    await writeFile(file, '#!/bin/sh\n');
    // Edited a while ago and read since: the access time is past the modification time.
    const past = new Date(Date.now() - 60_000);
    await utimes(file, new Date(), past);
    await readFile(file);
    const c = batchCollector();
    await start(c.onPaths);

    await chmod(file, 0o700);

    await c.until((seen) => seen.has('sub/script.sh'), 'the chmod of sub/script.sh');
  });

  it('reports a chmod of a folder alone, and still hears what changes in it afterwards', async () => {
    await mkdir(path.join(dir.path, 'docs/sub'), { recursive: true });
    const c = batchCollector();
    await start(c.onPaths);

    await chmod(path.join(dir.path, 'docs'), 0o750);
    await c.until((seen) => seen.has('docs'), 'the chmod of docs');
    await chmod(path.join(dir.path, 'docs/sub'), 0o700);
    await c.until((seen) => seen.has('docs/sub'), 'the chmod of docs/sub');

    const mark = c.mark();
    await writeFile(path.join(dir.path, 'docs/sub/a.txt'), 'a');
    await c.until(() => c.reportedSince(mark, 'docs/sub/a.txt'), 'a file written in docs/sub');
  });

  it('watches a folder removed and made again at once, and reports what it holds then and later', async () => {
    const c = batchCollector();
    await start(c.onPaths);
    const docs = path.join(dir.path, 'docs');
    const reportedAfterWrite = async (rel: string, content: string) => {
      await writeFile(path.join(dir.path, rel), content);
      const mark = c.mark();
      await c.until(() => c.reportedSince(mark, rel), `${rel} after it was written`);
    };
    await mkdir(docs);
    await reportedAfterWrite('docs/Readme.md', 'r');
    for (let round = 0; round < 6; round++) {
      // At once, as another program would: the watcher sees none of it until all is done.
      writeFileSync(path.join(docs, 'Readme.md'), `before ${round}`);
      rmSync(docs, { recursive: true });
      mkdirSync(path.join(docs, 'sub'), { recursive: true });
      const made = ['docs/b.txt', 'docs/data.bin', 'docs/sub/c.txt'];
      for (const rel of made) writeFileSync(path.join(dir.path, rel), `${round}`);
      // Reported by name or through the folder (which the scanner walks), after they were written.
      const marks = new Map(made.map((rel) => [rel, c.mark()]));
      await c.until(
        () => [...marks].every(([rel, mark]) => c.reportedSince(mark, rel, true)),
        `round ${round}: the files written in the new docs`,
      );
      // Once settled, the new folder itself is watched: a new file and an edit are reported.
      await reportedAfterWrite(`docs/later${round}.txt`, 'x');
      await reportedAfterWrite('docs/b.txt', `edited ${round}`);
      await reportedAfterWrite('docs/Readme.md', `r${round}`);
      // A folder inside it, there before and made again with it, is watched again too.
      await reportedAfterWrite('docs/sub/c.txt', `edited ${round}`);
      await reportedAfterWrite(`docs/sub/later${round}.txt`, 'x');
    }
  });

  it('watches a folder that became a file and then a folder again, the file moved to a trash outside', async () => {
    // What a device's materializer and its user do (folderConvergence, seed 308): the user
    // replaces the folder `a` by a file, a peer's folder `a` wins, the materializer moves the file
    // to the trash (outside the watched folder) and makes the folder; then the user writes in it.
    const root = path.join(dir.path, 'folder');
    const trash = path.join(dir.path, 'trash');
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    mkdirSync(trash);
    const c = batchCollector();
    await start(c.onPaths, 100, root);
    const a = path.join(root, 'a');
    const reportedAfter = async (rel: string, change: () => void) => {
      const mark = c.mark();
      change();
      await c.until(() => c.reportedSince(mark, rel), `${rel} after it changed`);
    };

    // At once, as a shell does `rm -rf a && echo > a`: the watcher sees none of it until done.
    await reportedAfter('a', () => {
      rmSync(a, { recursive: true });
      writeFileSync(a, 'a file');
    });
    // An edit of the file is reported.
    await reportedAfter('a', () => writeFileSync(a, 'edited'));
    // At once, as the materializer does: the file to the trash, the folder in its place.
    await reportedAfter('a', () => {
      renameSync(a, path.join(trash, 'a'));
      mkdirSync(a);
    });
    // The new folder is watched: a file written in it, an edit of it and a folder made in it.
    await reportedAfter('a/data.bin', () => writeFileSync(path.join(a, 'data.bin'), 'data'));
    await reportedAfter('a/data.bin', () => writeFileSync(path.join(a, 'data.bin'), 'edited'));
    await reportedAfter('a/b', () => mkdirSync(path.join(a, 'b')));
    await reportedAfter('a/b/c.txt', () => writeFileSync(path.join(a, 'b', 'c.txt'), 'c'));
    // Nothing says `a` itself any more: neither the file in the trash (its watch was `a`'s) nor
    // a listener for the file left on the folder (the scanner would walk the folder each time).
    const mark = c.mark();
    writeFileSync(path.join(trash, 'a'), 'edited in the trash');
    await reportedAfter('a/later.txt', () => writeFileSync(path.join(a, 'later.txt'), 'x'));
    expect(c.batches.slice(mark).flat()).not.toContain('a');
  });

  it('reports a file saved twice within 50 ms after its second save (chokidar throttles change)', async () => {
    const file = path.join(dir.path, 'notes.txt');
    await writeFile(file, 'v0');
    const c = batchCollector();
    // What the file held when each batch naming it was released: the scanner reads it after that.
    const contents: string[] = [];
    const onPaths = (paths: string[]) => {
      if (paths.includes('notes.txt')) contents.push(readFileSync(file, 'utf8'));
      c.onPaths(paths);
    };
    // Released at once, so the first save's batch can go before the second save is made.
    await start(onPaths, 1);
    for (let i = 0; i < 8; i++) {
      await writeFile(file, `first ${i}`);
      await c.until(() => contents.includes(`first ${i}`), `save ${i}`);
      // The second save lands inside chokidar's 50 ms throttle of the first one's change.
      await new Promise((r) => setTimeout(r, 5 + (i % 4) * 5));
      await writeFile(file, `second ${i}`);
      await c.until(() => contents.includes(`second ${i}`), `the second save ${i}`);
    }
  });
});
