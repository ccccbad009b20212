/**
 * Permission bits sync (issue 12 point 5): owner, group and others' rwx as one field, last
 * writer wins per field; a chmod alone is seen by the watcher. Two devices through a real
 * PostgreSQL hub, each with its own folder.
 */
import { chmod, lstat, mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forgetUmask } from '../../src-main/core/files/fileModes.js';
import { DeviceSlot, expectSameFolders, syncAll, type TestDevice } from './support/devices.js';
import { pollUntil } from './support/folderTree.js';
import { TestHub } from './support/testHub.js';

let hub: TestHub;
const slots: DeviceSlot[] = [];
let opened: TestDevice[] = [];

beforeAll(async () => {
  hub = await TestHub.create('foldersync_modes');
  for (const name of ['alpha', 'bravo']) slots.push(await DeviceSlot.create(hub, name));
});

afterEach(async () => {
  for (const d of opened) await d.device.close();
  opened = [];
});

afterAll(async () => {
  for (const s of slots) await s.close();
  await hub?.close();
});

async function openSpace(label: string): Promise<[TestDevice, TestDevice]> {
  const spaceId = hub.newSpaceId(label);
  for (const slot of slots) opened.push(await slot.open(spaceId));
  return opened.slice(-2) as [TestDevice, TestDevice];
}

async function put(d: TestDevice, rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(d.abs(rel)), { recursive: true });
  await writeFile(d.abs(rel), content);
}

const modeOf = async (d: TestDevice, rel: string) => (await lstat(d.abs(rel))).mode & 0o7777;

/** Every top-level file's and folder's permission bits, by name (the folder's marker aside). */
async function modesOf(d: TestDevice): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of (await readdir(d.root)).sort()) {
    if (name.startsWith('.netguardian')) continue;
    out[name] = await modeOf(d, name);
  }
  return out;
}

describe('permission bits between two devices', () => {
  it('a chmod alone on A reaches B through the watcher (no rescan), 0640 and then 0700', async () => {
    const [a, b] = await openSpace('chmod-live');
    await put(a, 'script.sh', '#!/bin/sh\necho hi\n');
    await chmod(a.abs('script.sh'), 0o644);
    // Edited a while ago and read since, as most files are: chokidar then reports no 'change'
    // for a chmod (the access time is past the modification time).
    await utimes(a.abs('script.sh'), new Date(), new Date(Date.now() - 60_000));
    await a.device.start();
    await b.device.start();
    await pollUntil('for script.sh on B', async () =>
      (await readFile(b.abs('script.sh'), 'utf8').catch(() => undefined)) === '#!/bin/sh\necho hi\n'
        ? true
        : undefined,
    );
    await readFile(a.abs('script.sh'));
    expect(await modeOf(b, 'script.sh')).toBe(0o644);

    for (const mode of [0o640, 0o700]) {
      await chmod(a.abs('script.sh'), mode);
      await pollUntil(`for script.sh to be ${mode.toString(8)} on B`, async () =>
        (await modeOf(b, 'script.sh')) === mode ? true : undefined,
      );
    }

    expect(a.errors()).toEqual([]);
    expect(b.errors()).toEqual([]);
    expect(await readFile(b.abs('script.sh'))).toEqual(await readFile(a.abs('script.sh')));
    expect(await modesOf(b)).toEqual({ 'script.sh': 0o700 });
    expect(await modesOf(a)).toEqual({ 'script.sh': 0o700 });
  });

  it('a chmod on one device and a content edit on the other, made offline, both survive', async () => {
    const [a, b] = await openSpace('chmod-edit');
    await put(a, 'notes.txt', 'first\n');
    await put(a, 'tool.sh', 'v1\n');
    await chmod(a.abs('notes.txt'), 0o644);
    await chmod(a.abs('tool.sh'), 0o644);
    await syncAll([a, b]);

    // notes.txt: chmod on A, edit on B. tool.sh: edit on A, chmod on B (the later write of
    // either kind, whichever device made it, must not undo the other's field).
    await chmod(a.abs('notes.txt'), 0o600);
    await writeFile(a.abs('tool.sh'), 'v2 from A\n');
    await a.device.scan();
    await writeFile(b.abs('notes.txt'), 'edited on B\n');
    await chmod(b.abs('tool.sh'), 0o750);
    await b.device.scan();
    await syncAll([a, b]);

    for (const d of [a, b]) {
      expect(await readFile(d.abs('notes.txt'), 'utf8')).toBe('edited on B\n');
      expect(await readFile(d.abs('tool.sh'), 'utf8')).toBe('v2 from A\n');
      expect(await modesOf(d)).toEqual({ 'notes.txt': 0o600, 'tool.sh': 0o750 });
    }
    expect(a.errors()).toEqual([]);
    expect(b.errors()).toEqual([]);
    await expectSameFolders([a, b]);
  });

  it('folders’ bits sync: a read-only folder arrives filled, a chmod of a folder alone follows live', async () => {
    const [a, b] = await openSpace('chmod-folder');
    await put(a, 'docs/readme.txt', 'readme\n');
    await put(a, 'ro/kept.txt', 'kept\n');
    await chmod(a.abs('docs'), 0o750);
    await chmod(a.abs('ro'), 0o555);
    await a.device.start();
    await b.device.start();
    await pollUntil(
      'for ro/kept.txt and docs/readme.txt on B, and their folders’ bits',
      async () =>
        (await readFile(b.abs('ro/kept.txt'), 'utf8').catch(() => undefined)) === 'kept\n' &&
        (await readFile(b.abs('docs/readme.txt'), 'utf8').catch(() => undefined)) === 'readme\n' &&
        (await modeOf(b, 'ro')) === 0o555 &&
        (await modeOf(b, 'docs')) === 0o750
          ? true
          : undefined,
    );

    await chmod(a.abs('docs'), 0o700);
    await pollUntil('for docs to be 700 on B', async () =>
      (await modeOf(b, 'docs')) === 0o700 ? true : undefined,
    );

    expect(a.errors()).toEqual([]);
    expect(b.errors()).toEqual([]);
    expect(await modesOf(b)).toEqual({ docs: 0o700, ro: 0o555 });
    expect(await modesOf(a)).toEqual({ docs: 0o700, ro: 0o555 });
  });

  it('a folder chmod on A while B replaces the folder by a file: the folder made back on B gets the chmod’s bits', async () => {
    // Found by the folder-convergence harness (seed 1341162291): B's copy of the folder was made
    // with mkdir's bits and recorded as the newest version, while the store (and A) kept A's.
    const [a, b] = await openSpace('chmod-displaced');
    await put(a, 'box/first.txt', 'first\n');
    await chmod(a.abs('box'), 0o755);
    await syncAll([a, b]);

    // B, offline: the folder becomes a file.
    await rm(b.abs('box'), { recursive: true });
    await writeFile(b.abs('box'), 'a file now\n');
    await b.device.scan();
    // A, later (so its chmod is the newer field): the folder made private, a file added in it.
    await chmod(a.abs('box'), 0o700);
    await put(a, 'box/second.txt', 'second\n');
    await a.device.scan();
    await syncAll([a, b]);

    // The file at box and the entries under it: box is a folder again, B's file kept as a copy.
    for (const d of [a, b]) {
      expect((await lstat(d.abs('box'))).isDirectory(), `${d.name}: box`).toBe(true);
      expect(await modeOf(d, 'box'), `${d.name}: box's bits`).toBe(0o700);
      expect(await readFile(d.abs('box/second.txt'), 'utf8')).toBe('second\n');
    }
    expect(a.errors()).toEqual([]);
    expect(b.errors()).toEqual([]);
    await expectSameFolders([a, b]);
  });

  it('every rwx combination syncs as it is, written through the umask; setuid, setgid and sticky never do', async () => {
    const saved = process.umask(0o022);
    forgetUmask();
    try {
      await everyCombination();
    } finally {
      process.umask(saved);
      forgetUmask();
    }
  });
});

/** Under umask 022: the store carries each version's bits as they are; B's files get them masked. */
async function everyCombination(): Promise<void> {
  {
    const [a, b] = await openSpace('chmod-bits');
    const modes = { 'g-only.txt': 0o070, 'o-w.txt': 0o602, 'rwx.bin': 0o777, 'none.txt': 0o000 };
    for (const [name, mode] of Object.entries(modes)) {
      await put(a, name, name);
      await chmod(a.abs(name), mode);
    }
    await put(a, 'suid.sh', 'suid');
    await chmod(a.abs('suid.sh'), 0o4755);
    await put(a, 'sticky.txt', 'sticky');
    await chmod(a.abs('sticky.txt'), 0o1644);

    await syncAll([a, b]);

    expect(await modesOf(b)).toEqual({
      'g-only.txt': 0o050,
      'o-w.txt': 0o600,
      'rwx.bin': 0o755,
      'none.txt': 0o000,
      'suid.sh': 0o755,
      'sticky.txt': 0o644,
    });
    for (const [name, mode] of Object.entries(modes))
      expect((await b.device.manager.getFileState(name))?.fields['mode']).toBe(mode);
    // B's masked bits are the versions' own: nothing flows back to A.
    await syncAll([a, b]);
    expect(await modesOf(a)).toEqual({ ...modes, 'suid.sh': 0o4755, 'sticky.txt': 0o1644 });
    expect(b.errors()).toEqual([]);
  }
}
