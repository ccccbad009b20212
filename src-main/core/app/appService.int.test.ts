import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { readDeviceConfig } from '../deviceConfig.js';
import { dispatchRequest } from './dispatch.js';

/**
 * The AppService on a real device (PGlite in a temp data dir, a real folder, the
 * watcher running), local only: what a UI sees of files, imports, history,
 * settings, devices and the folder. One device per file: opening PGlite costs seconds.
 */

let app: AppHarness;
let outside: TempDir;

beforeAll(async () => {
  app = await openAppHarness({ name: 'Laptop' });
  outside = await makeTempDir('ng-app-import-');
});
afterAll(async () => {
  await app?.close();
  await outside?.cleanup();
});

const list = (query = '', offset = 0, limit = 100) =>
  app.service['files:list']({ query, offset, limit });

const failure = async (p: Promise<unknown>): Promise<NetGuardianError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof NetGuardianError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
};

describe('AppService (local device)', () => {
  it('lists files created in the folder, pushes files:changed, filters and pages', async () => {
    await mkdir(path.join(app.folder, 'docs'));
    await writeFile(path.join(app.folder, 'docs', 'Plan.txt'), 'plan');
    await writeFile(path.join(app.folder, 'notes.md'), 'notes');
    await writeFile(path.join(app.folder, 'photo.png'), 'png');
    await app.until(async () => (await list()).total === 4, 'four entries listed');
    // The notice follows the recording; the listing may see the rows first.
    await app.until(
      () => app.pushes.some((m) => m.channel === 'files:changed'),
      'a files:changed push',
    );
    const all = await list();
    expect(all.rows.map((r) => [r.path, r.kind, r.state])).toEqual([
      ['docs', 'dir', 'synced'],
      ['docs/Plan.txt', 'file', 'synced'],
      ['notes.md', 'file', 'synced'],
      ['photo.png', 'file', 'synced'],
    ]);
    expect(all.rows[1]).toMatchObject({ size: 4, lastDevice: 'Laptop', executable: false });
    expect(all.rows[1]?.modifiedAt).toBeGreaterThan(0);
    // Case-insensitive substring; total counts every match, rows only the page.
    expect((await list('plan')).rows.map((r) => r.path)).toEqual(['docs/Plan.txt']);
    const page = await list('', 1, 2);
    expect(page).toMatchObject({ total: 4, offset: 1 });
    expect(page.rows.map((r) => r.path)).toEqual(['docs/Plan.txt', 'notes.md']);
    // The watcher may still hold a second event of these writes ("Noticed"): synced once settled.
    await app.until(
      async () => (await app.service['state:get']({})).phase === 'synced',
      'the state settled',
    );
    const state = await app.service['state:get']({});
    expect(state).toMatchObject({ phase: 'synced', deviceName: 'Laptop', files: 4, hub: null });
    expect(app.pushes.some((m) => m.channel === 'state')).toBe(true);
  });

  it('imports files and folders without overwriting, with progress, and refuses a target outside the folder', async () => {
    const src = path.join(outside.path, 'report.txt');
    await writeFile(src, 'first report');
    await mkdir(path.join(outside.path, 'album', 'inner'), { recursive: true });
    await writeFile(path.join(outside.path, 'album', 'a.jpg'), 'a');
    await writeFile(path.join(outside.path, 'album', 'inner', 'b.jpg'), 'bb');
    const first = await app.service['files:import']({
      paths: [src, path.join(outside.path, 'album')],
      targetDir: 'imported',
    });
    expect(first).toEqual({ files: 3, folders: 2, bytes: 15 });
    await writeFile(src, 'second report');
    await app.service['files:import']({ paths: [src], targetDir: 'imported' });
    expect(await readFile(path.join(app.folder, 'imported', 'report.txt'), 'utf8')).toBe(
      'first report',
    );
    expect(await readFile(path.join(app.folder, 'imported', 'report (2).txt'), 'utf8')).toBe(
      'second report',
    );
    // Recorded at once (not only when the watcher catches up).
    expect((await list('imported/')).rows.map((r) => r.path)).toEqual([
      'imported/album',
      'imported/album/a.jpg',
      'imported/album/inner',
      'imported/album/inner/b.jpg',
      'imported/report (2).txt',
      'imported/report.txt',
    ]);
    const progress = app.pushes.filter((m) => m.channel === 'import:progress');
    expect(progress.at(-1)?.payload).toMatchObject({
      done: 1,
      total: 1,
      bytes: 13,
      totalBytes: 13,
    });
    const escape = await failure(
      app.service['files:import']({ paths: [src], targetDir: '../elsewhere' }),
    );
    expect(escape.code).toBe('PathEscapesRoot');
    expect(escape.message).toMatch(/targetDir/);
    const relative = await failure(
      app.service['files:import']({ paths: ['report.txt'], targetDir: '' }),
    );
    expect(relative.message).toMatch(/absolute/);
    const activity = await app.service['activity:list']({});
    expect(activity.some((a) => a.kind === 'upload' && a.message.includes('imported'))).toBe(true);
  });

  it('shows a file’s history newest first and restores an earlier version on disk', async () => {
    const file = path.join(app.folder, 'story.txt');
    await writeFile(file, 'version one');
    await app.until(async () => (await list('story')).total === 1, 'story.txt recorded');
    await writeFile(file, 'version two!');
    await app.until(
      async () => (await app.service['history:get']({ path: 'story.txt' })).length === 2,
      'second version recorded',
    );
    const history = await app.service['history:get']({ path: 'story.txt' });
    expect(history.map((h) => [h.size, h.current, h.deleted, h.device])).toEqual([
      [12, true, false, 'Laptop'],
      [11, false, false, 'Laptop'],
    ]);
    const older = history[1]?.eventId as string;
    const preview = await app.service['conflicts:content']({
      path: 'story.txt',
      eventId: history[0]?.eventId as string,
    });
    expect(preview).toEqual({ kind: 'text', text: 'version two!', truncated: false });
    // Local only, the old bytes are gone once the file was overwritten: refused, nothing written.
    const gone = await failure(
      app.service['history:restore']({ path: 'story.txt', eventId: older }),
    );
    expect(gone).toMatchObject({ code: 'NotFound', field: 'eventId' });
    expect(await app.service['history:get']({ path: 'story.txt' })).toHaveLength(2);
    // A copy with that content anywhere in the folder makes it restorable.
    await writeFile(path.join(app.folder, 'story backup.txt'), 'version one');
    await app.until(async () => (await list('backup')).total === 1, 'backup recorded');
    expect(await app.service['history:restore']({ path: 'story.txt', eventId: older })).toEqual({
      restored: true,
    });
    expect(await readFile(file, 'utf8')).toBe('version one');
    const after = await app.service['history:get']({ path: 'story.txt' });
    expect(after).toHaveLength(3);
    expect(after[0]).toMatchObject({ current: true, size: 11 });
    expect((await failure(app.service['history:get']({ path: 'nope.txt' }))).code).toBe('NotFound');
    expect((await failure(app.service['history:get']({ path: '../x' }))).code).toBe('InvalidPath');
  });

  it('saves settings: ignore rules in the folder, interval and pause in config.json', async () => {
    const before = await app.service['settings:get']({});
    expect(before).toMatchObject({
      deviceName: 'Laptop',
      hub: null,
      paused: false,
      ignoreRules: '',
      startAtLogin: null,
    });
    const after = await app.service['settings:update']({
      ignoreRules: 'build/\n*.log\n',
      syncIntervalMs: 5_000,
      paused: true,
    });
    expect(after).toMatchObject({
      ignoreRules: 'build/\n*.log\n',
      syncIntervalMs: 5_000,
      paused: true,
    });
    expect(await readFile(path.join(app.folder, '.netguardianignore'), 'utf8')).toBe(
      'build/\n*.log\n',
    );
    const config = await readDeviceConfig(app.dataDir);
    expect(config.ok && config.value).toMatchObject({ syncIntervalMs: 5_000, paused: true });
    expect(await app.service['sync:pause']({ paused: false })).toEqual({ paused: false });
    await app.until(async () => (await app.service['state:get']({})).paused === false, 'resumed');
    // The hub is pinned by pairing, not typed in: the request has no such field.
    const bad = await dispatchRequest(
      app.service,
      'settings:update',
      { hub: { url: 'postgres://ng:pw@example.com/ng', ssl: 'off' } },
      'desktop',
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'InvalidArgument' } });
    expect((await app.service['settings:get']({})).hub).toBeNull();
  });

  it('answers devices, folder:open and sync:now for a local-only device', async () => {
    const { devices, hub, problem } = await app.service['devices:list']({});
    expect(hub).toBe('none');
    expect(problem).toBeNull();
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ name: 'Laptop', thisDevice: true });
    expect(devices[0]?.lastSeen).toBeGreaterThan(0);
    expect(await app.service['folder:open']({})).toEqual({ opened: false, path: app.folder });
    expect(await app.service['folder:open']({ path: 'docs/Plan.txt' })).toEqual({
      opened: false,
      path: path.join(app.folder, 'docs', 'Plan.txt'),
    });
    expect((await failure(app.service['folder:open']({ path: '../../etc' }))).code).toBe(
      'InvalidPath',
    );
    expect(await app.service['sync:now']({})).toEqual({ started: false });
  });
});
