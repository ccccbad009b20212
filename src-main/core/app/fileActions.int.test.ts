import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';

/**
 * The Files screen's actions on a real device (a real folder, its store, the watcher running):
 * rename in place without ever writing over, move to the trash and put back, each recorded at
 * once so the listing and the history show it.
 */

let app: AppHarness;

beforeAll(async () => {
  app = await openAppHarness({ name: 'Laptop' });
  await mkdir(path.join(app.folder, 'docs'));
  await writeFile(path.join(app.folder, 'docs', 'plan.txt'), 'the plan');
  await writeFile(path.join(app.folder, 'docs', 'taken.txt'), 'keep me');
  await writeFile(path.join(app.folder, 'notes.md'), 'notes');
  await app.until(async () => (await paths()).length === 4, 'four entries listed');
});
afterAll(async () => {
  await app?.close();
});

const paths = async () =>
  (await app.service['files:list']({ query: '', offset: 0, limit: 100 })).rows.map((r) => r.path);

const failure = async (p: Promise<unknown>): Promise<NetGuardianError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof NetGuardianError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
};

describe('file actions', () => {
  it('renames a file in its folder, and the listing shows it at once', async () => {
    const answer = await app.service['files:rename']({
      path: 'docs/plan.txt',
      name: 'Plan v2.txt',
    });
    expect(answer).toEqual({ path: 'docs/Plan v2.txt' });
    // Recorded before the answer: no wait for the watcher.
    expect(await paths()).toEqual(['docs', 'docs/Plan v2.txt', 'docs/taken.txt', 'notes.md']);
    expect(await readFile(path.join(app.folder, 'docs', 'Plan v2.txt'), 'utf8')).toBe('the plan');
    expect(await readdir(path.join(app.folder, 'docs'))).toEqual(['Plan v2.txt', 'taken.txt']);
  });

  it('renames a folder with what it holds', async () => {
    expect(await app.service['files:rename']({ path: 'docs', name: 'papers' })).toEqual({
      path: 'papers',
    });
    expect(await paths()).toEqual(['notes.md', 'papers', 'papers/Plan v2.txt', 'papers/taken.txt']);
  });

  it('never writes over a name that is taken, and refuses names that cannot be', async () => {
    const taken = await failure(
      app.service['files:rename']({ path: 'papers/Plan v2.txt', name: 'taken.txt' }),
    );
    expect(taken.message).toBe(
      'There is already something called “taken.txt” in papers; nothing was renamed.',
    );
    expect(await readFile(path.join(app.folder, 'papers', 'taken.txt'), 'utf8')).toBe('keep me');
    expect(await readFile(path.join(app.folder, 'papers', 'Plan v2.txt'), 'utf8')).toBe('the plan');
    const slash = await failure(app.service['files:rename']({ path: 'notes.md', name: 'a/b.md' }));
    expect(slash).toMatchObject({ code: 'InvalidArgument', field: 'name' });
    expect(slash.message).toMatch(/can't hold “\/”/);
    const gone = await failure(app.service['files:rename']({ path: 'nowhere.txt', name: 'x.txt' }));
    expect(gone).toMatchObject({ code: 'NotFound' });
    expect(gone.message).toMatch(/nowhere\.txt is no longer in the folder/);
    expect(await paths()).toEqual(['notes.md', 'papers', 'papers/Plan v2.txt', 'papers/taken.txt']);
  });

  it('moves to the trash and puts back, content and all', async () => {
    const trashed = await app.service['files:trash']({ paths: ['papers', 'missing.txt'] });
    expect(trashed.trashed.map((t) => t.path)).toEqual(['papers']);
    expect(trashed.failed).toEqual([
      {
        path: 'missing.txt',
        reason:
          'missing.txt is no longer in the folder (it may have been moved or deleted meanwhile)',
      },
    ]);
    expect(await paths()).toEqual(['notes.md']);
    expect(await readdir(app.folder)).not.toContain('papers');
    // The deletion is the folder's and its files' latest change.
    const history = await app.service['history:get']({ path: 'papers/taken.txt' });
    expect(history[0]?.kind).toBe('deleted');

    const id = trashed.trashed[0]?.id ?? '';
    const back = await app.service['trash:restore']({ ids: [id] });
    expect(back).toEqual({ restored: ['papers'], failed: [] });
    expect(await paths()).toEqual(['notes.md', 'papers', 'papers/Plan v2.txt', 'papers/taken.txt']);
    expect(await readFile(path.join(app.folder, 'papers', 'taken.txt'), 'utf8')).toBe('keep me');
    // Put back once: a second time there is nothing left under that id.
    const again = await failure(app.service['trash:restore']({ ids: [id] }));
    expect(again).toMatchObject({ code: 'NotFound' });
  });
});
