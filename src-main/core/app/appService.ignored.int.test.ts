import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRow, openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { TestHub } from '../../../test/folderSync/support/testHub.js';

/**
 * A path this device's `.netguardianignore` leaves out but a peer syncs: it is
 * never written here, so it must not wait for a download forever. Two
 * AppServices on real devices through a real hub service.
 */

let hub: TestHub;
let alpha: AppHarness;
let beta: AppHarness;

beforeAll(async () => {
  hub = await TestHub.create('ng_app_ignored');
  const space = hub.newSpaceId('ignored');
  const pair = hub.pair.bind(hub);
  alpha = await openAppHarness({ name: 'alpha', spaceId: space, pair });
  beta = await openAppHarness({ name: 'beta', spaceId: space, pair, start: false });
  // Beta's rules only: the ignore file leaves itself out, so alpha never receives it.
  await writeFile(path.join(beta.folder, '.netguardianignore'), '.netguardianignore\nbuild/\n');
  await beta.service.start();
});
afterAll(async () => {
  await alpha?.close();
  await beta?.close();
  await hub?.close();
});

describe('a path this device ignores and a peer syncs', () => {
  it('shows as synced and is no pending download', async () => {
    await mkdir(path.join(alpha.folder, 'build'));
    await writeFile(path.join(alpha.folder, 'build', 'out.o'), 'object code');
    await alpha.until(
      async () => (await fileRow(alpha.service, 'build/out.o'))?.state === 'synced',
      'build/out.o pushed by alpha',
    );
    // Written after build/out.o: once beta has it on disk, it has pulled build/out.o too.
    await writeFile(path.join(alpha.folder, 'after.txt'), 'later');
    await beta.until(
      async () => (await fileRow(beta.service, 'after.txt'))?.state === 'synced',
      'after.txt on beta',
    );

    await expect(stat(path.join(beta.folder, 'build'))).rejects.toThrow(/ENOENT/);
    expect((await fileRow(beta.service, 'build/out.o'))?.state).toBe('synced');
    expect((await fileRow(beta.service, 'build'))?.state).toBe('synced');
    const state = await beta.service['state:get']({});
    expect(state.pending.download).toBe(0);
  });
});
