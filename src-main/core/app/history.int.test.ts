import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';

/**
 * What a file's history says on a real device (PGlite, a real folder, the watcher running):
 * each version's kind, who made it, and when a version brings back an earlier one's content
 * (the app reads that as "restored from <time>"). One device per file: PGlite costs seconds.
 */

let app: AppHarness;

beforeAll(async () => {
  app = await openAppHarness({ name: 'Laptop' });
});
afterAll(async () => {
  await app?.close();
});

const historyOf = (file: string) => app.service['history:get']({ path: file });
/** Versions of a file the device may not have recorded yet (NotFound until it has). */
const versionsSoFar = (file: string) =>
  historyOf(file).catch((e: unknown) => {
    if ((e as { code?: unknown }).code === 'NotFound') return [];
    throw e;
  });

describe('history on a device', () => {
  it('says what each version was, who made it, and which one a restore brought back', async () => {
    const file = path.join(app.folder, 'plan.txt');
    await writeFile(file, 'first plan');
    await app.until(async () => (await versionsSoFar('plan.txt')).length === 1, 'v1');
    await writeFile(file, 'second plan, longer');
    await app.until(async () => (await historyOf('plan.txt')).length === 2, 'v2');
    // Local only, the first version's bytes must be somewhere in the folder to be restored.
    await writeFile(path.join(app.folder, 'plan copy.txt'), 'first plan');
    await app.until(
      async () =>
        (await app.service['files:list']({ query: 'copy', offset: 0, limit: 10 })).total === 1,
      'the copy recorded',
    );
    const [second, first] = await historyOf('plan.txt');
    expect(first).toMatchObject({ kind: 'created', size: 10, device: 'Laptop', thisDevice: true });
    expect(second).toMatchObject({ kind: 'edited', size: 19, current: true, thisDevice: true });
    expect(first?.sameAsEarlier).toBeUndefined();
    expect(second?.sameAsEarlier).toBeUndefined();

    const restored = await app.service['history:restore']({
      path: 'plan.txt',
      eventId: first?.eventId as string,
    });
    expect(restored).toEqual({ restored: true });
    expect(await readFile(file, 'utf8')).toBe('first plan');
    // The restore is a new version, current, with the first one's content and its time.
    const after = await historyOf('plan.txt');
    expect(after).toHaveLength(3);
    expect(after[0]).toMatchObject({
      kind: 'edited',
      size: 10,
      hash: first?.hash,
      current: true,
      thisDevice: true,
      sameAsEarlier: first?.changedAt,
    });
    expect(after.slice(1).map((e) => e.eventId)).toEqual([second?.eventId, first?.eventId]);
  });

  it('a deleted file’s history ends with the deletion, and restoring it brings its content back', async () => {
    const file = path.join(app.folder, 'gone.txt');
    await writeFile(file, 'soon gone');
    await app.until(async () => (await versionsSoFar('gone.txt')).length === 1, 'v1');
    // Local only, its bytes must be somewhere in the folder to come back (a copy made before
    // the delete: one made after reads as the file moved there).
    await writeFile(path.join(app.folder, 'kept copy.txt'), 'soon gone');
    await app.until(async () => (await versionsSoFar('kept copy.txt')).length === 1, 'the copy');
    const beforeDelete = Date.now();
    await rm(file);
    await app.until(async () => (await historyOf('gone.txt'))[0]?.deleted === true, 'the delete');
    const [deletion, made] = await historyOf('gone.txt');
    expect(deletion).toMatchObject({ kind: 'deleted', size: null, thisDevice: true });
    expect(deletion?.current).toBe(false);

    const report = await app.service['history:restoreDeleted']({ since: beforeDelete });
    expect(report).toEqual({ restored: ['gone.txt'], skipped: [] });
    expect(await readFile(file, 'utf8')).toBe('soon gone');
    const after = await historyOf('gone.txt');
    expect(after).toHaveLength(3);
    // Made again, with the content it had before: read as restored from the first version.
    expect(after[0]).toMatchObject({
      kind: 'created',
      current: true,
      hash: made?.hash,
      sameAsEarlier: made?.changedAt,
    });
  });

  it('marks a version whose bytes are nowhere on this device (no hub) as not restorable', async () => {
    const file = path.join(app.folder, 'notes.txt');
    await writeFile(file, 'gone for good');
    await app.until(async () => (await versionsSoFar('notes.txt')).length === 1, 'v1');
    await writeFile(file, 'what the file holds now');
    await app.until(async () => (await historyOf('notes.txt')).length === 2, 'v2');
    const [now, before] = await historyOf('notes.txt');
    // The current version is there; the first one's bytes were overwritten and no copy is kept.
    expect(now).toMatchObject({ current: true });
    expect(now?.restorable).toBeUndefined();
    expect(before).toMatchObject({ current: false, restorable: false });
    // A copy of those bytes in the folder makes it restorable again.
    await writeFile(path.join(app.folder, 'notes backup.txt'), 'gone for good');
    await app.until(
      async () => (await historyOf('notes.txt'))[1]?.restorable === undefined,
      'the first version reachable through the copy',
    );
  });
});
