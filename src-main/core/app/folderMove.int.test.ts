import { statSync } from 'node:fs';
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { fileRow, openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { readDeviceConfig } from '../deviceConfig.js';
import { MARKER_FILE, readFolderMarker } from '../files/folderMarker.js';
import { planFolderMove } from './folderMove.js';

/**
 * Moving the synced folder from the settings (issue 16 point 6), on a real device with real
 * folders: refusals in words that change nothing; a move on one disk (a rename); a move to
 * another disk (/dev/shm is a tmpfs here), copied with progress, checked and the old folder
 * removed. After each move the device records changes made at the new place.
 */

let app: AppHarness;
let original: string;
/** Folders made outside the harness's temp dir, removed once the device is closed. */
const elsewhere: string[] = [];

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof NetGuardianError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
};

/** Bytes of the files under `dir` (what a copy moves), summed by hand here. */
async function folderBytes(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  return bytes;
}

beforeAll(async () => {
  app = await openAppHarness({ name: 'laptop' });
  original = app.folder;
  await mkdir(path.join(original, 'docs'));
  await writeFile(path.join(original, 'docs', 'plan.txt'), 'the plan');
  await writeFile(path.join(original, 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(path.join(original, 'run.sh'), 0o755);
  await symlink('docs/plan.txt', path.join(original, 'plan-link'));
  await app.until(
    async () => (await fileRow(app.service, 'docs/plan.txt')) !== undefined,
    'plan.txt recorded',
  );
});
afterAll(async () => {
  await app?.close();
  for (const dir of elsewhere) await rm(dir, { recursive: true, force: true });
});

describe('moving the synced folder', () => {
  it('refuses a relative path, a place inside the folder, a non-empty folder, a missing parent', async () => {
    const occupied = path.join(app.dir.path, 'occupied');
    await mkdir(occupied);
    await writeFile(path.join(occupied, 'someone-else.txt'), 'keep me');

    expect(await refusal(app.service['folder:move']({ to: 'Synced' }))).toEqual({
      code: 'InvalidArgument',
      message: `Give the new place as a full path (such as ${path.join(app.dir.path, 'Synced')}), not “Synced”.`,
    });
    expect(
      await refusal(app.service['folder:move']({ to: path.join(original, 'docs', 'inner') })),
    ).toEqual({
      code: 'InvalidArgument',
      message: `The folder can't move into itself: choose a place outside ${original}, not ${path.join(original, 'docs', 'inner')}.`,
    });
    expect(await refusal(app.service['folder:move']({ to: occupied }))).toEqual({
      code: 'InvalidArgument',
      message: `${occupied} is not empty: choose an empty folder or a new name, so nothing there gets mixed with your files.`,
    });
    const nowhere = path.join(app.dir.path, 'no', 'such', 'place');
    expect(await refusal(app.service['folder:move']({ to: nowhere }))).toEqual({
      code: 'InvalidArgument',
      message: `The folder ${path.dirname(nowhere)} does not exist: create it first, or choose another place.`,
    });
    expect(await refusal(app.service['folder:move']({ to: app.dataDir }))).toMatchObject({
      code: 'InvalidArgument',
    });

    // Nothing changed: the folder, the config, the other folder's file.
    expect((await app.service['settings:get']({})).folder).toBe(original);
    expect(await readFile(path.join(original, 'docs', 'plan.txt'), 'utf8')).toBe('the plan');
    expect(await readFile(path.join(occupied, 'someone-else.txt'), 'utf8')).toBe('keep me');
    const config = await readDeviceConfig(app.dataDir);
    expect(config.ok && config.value.folder).toBe(original);
  });

  it('on the same disk renames it, and the device goes on at the new place', async () => {
    const marker = await readFolderMarker(original);
    const target = path.join(app.dir.path, 'Moved here');
    const view = await app.service['folder:move']({ to: target });

    expect(view.folder).toBe(target);
    expect(await exists(original)).toBe(false);
    expect(await readFile(path.join(target, 'docs', 'plan.txt'), 'utf8')).toBe('the plan');
    expect(await readFolderMarker(target)).toBe(marker);
    const config = await readDeviceConfig(app.dataDir);
    expect(config.ok && config.value.folder).toBe(target);
    expect((await app.service['state:get']({})).phase).not.toBe('folder-missing');

    await writeFile(path.join(target, 'after-move.txt'), 'written at the new place');
    await app.until(
      async () => (await fileRow(app.service, 'after-move.txt')) !== undefined,
      'after-move.txt recorded at the new place',
    );
    original = target;
  });

  const shm = '/dev/shm';
  const otherDisk = (() => {
    try {
      return statSync(shm).isDirectory() && statSync(shm).dev !== statSync(tmpdir()).dev;
    } catch {
      return false;
    }
  })();

  it.skipIf(!otherDisk)(
    'to another disk without room for the folder is refused in words, before anything moves',
    async () => {
      const parent = await mkdtemp(path.join(shm, 'ng-full-'));
      elsewhere.push(parent);
      // A disk with 100 MiB free: the folder's few bytes and the 64 MiB kept spare fit...
      const plan = await planFolderMove(original, path.join(parent, 'Synced'), app.dataDir, () =>
        Promise.resolve(100 * 1024 * 1024),
      );
      expect(plan).toMatchObject({ sameDisk: false, targetExists: false });
      // ...and with 64 MiB free they don't.
      await expect(
        planFolderMove(original, path.join(parent, 'Synced'), app.dataDir, () =>
          Promise.resolve(64 * 1024 * 1024),
        ),
      ).rejects.toMatchObject({
        code: 'InvalidArgument',
        message: `There is not enough free space at ${parent}: the folder needs ${String(await folderBytes(original))} bytes and 64 MB are free. Free some space or choose another disk.`,
      });
      expect(await readdir(parent)).toEqual([]);
    },
  );

  it.skipIf(!otherDisk)(
    'to another disk copies it with progress, keeps modes, times and links, then removes the old one',
    async () => {
      const parent = await mkdtemp(path.join(shm, 'ng-move-'));
      elsewhere.push(parent);
      const mtime = new Date('2026-01-02T03:04:05Z');
      await utimes(path.join(original, 'docs', 'plan.txt'), mtime, mtime);
      const before = app.pushes.length;
      const target = path.join(parent, 'Synced');
      const view = await app.service['folder:move']({ to: target });

      expect(view.folder).toBe(target);
      expect(await exists(original)).toBe(false);
      expect(await readFile(path.join(target, 'docs', 'plan.txt'), 'utf8')).toBe('the plan');
      expect(await readFile(path.join(target, 'after-move.txt'), 'utf8')).toBe(
        'written at the new place',
      );
      expect((await stat(path.join(target, 'run.sh'))).mode & 0o777).toBe(0o755);
      expect((await stat(path.join(target, 'docs', 'plan.txt'))).mtime.toISOString()).toBe(
        '2026-01-02T03:04:05.000Z',
      );
      expect(await readlink(path.join(target, 'plan-link'))).toBe('docs/plan.txt');
      expect((await readdir(target)).sort()).toEqual(
        [MARKER_FILE, 'after-move.txt', 'docs', 'plan-link', 'run.sh'].sort(),
      );

      const progress = app.pushes
        .slice(before)
        .flatMap((m) => (m.channel === 'folder:moveProgress' ? [m.payload] : []));
      // Files and links counted (the marker is a file too), folders not.
      expect(progress.at(-1)).toEqual({
        done: 5,
        total: 5,
        bytes: (await stat(path.join(target, MARKER_FILE))).size + 8 + 18 + 24,
        totalBytes: (await stat(path.join(target, MARKER_FILE))).size + 8 + 18 + 24,
      });

      await writeFile(path.join(target, 'on-the-other-disk.txt'), 'here now');
      await app.until(
        async () => (await fileRow(app.service, 'on-the-other-disk.txt')) !== undefined,
        'on-the-other-disk.txt recorded',
      );
    },
  );
});
