import { access, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRow, openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { TestHub } from '../../../test/folderSync/support/testHub.js';

/**
 * Ignore rules saved on the settings screen are this device's own (issue 12 point 7): the
 * `.netguardianignore` they are written to is never recorded nor sent, so a peer neither gets the
 * file nor the rules. Two AppServices on real devices through a real hub service.
 */

let hub: TestHub;
let space: string;
let alpha: AppHarness;
let beta: AppHarness;

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  hub = await TestHub.create('ng_settings_rules');
  space = hub.newSpaceId('rules');
  const pair = hub.pair.bind(hub);
  alpha = await openAppHarness({ name: 'alpha', spaceId: space, pair, start: false });
  beta = await openAppHarness({ name: 'beta', spaceId: space, pair });
});
afterAll(async () => {
  await alpha?.close();
  await beta?.close();
  await hub?.close();
});

describe('ignore rules saved in the settings', () => {
  it('stay on this device: neither the file nor what it leaves out reaches a peer', async () => {
    const saved = await alpha.service['settings:update']({ ignoreRules: 'secret/\n' });
    expect(saved.ignoreRules).toBe('secret/\n');
    await mkdir(path.join(alpha.folder, 'secret'));
    await writeFile(path.join(alpha.folder, 'secret', 'key.txt'), 'alpha only');
    await writeFile(path.join(alpha.folder, 'public.txt'), 'for everyone');

    await alpha.service.start();
    await beta.until(
      async () => (await fileRow(beta.service, 'public.txt'))?.state === 'synced',
      'public.txt on beta',
    );

    expect(await readFile(path.join(beta.folder, 'public.txt'), 'utf8')).toBe('for everyone');
    expect(await exists(path.join(beta.folder, '.netguardianignore'))).toBe(false);
    expect(await exists(path.join(beta.folder, 'secret'))).toBe(false);
    const recorded = await hub.database.query<{ entity_id: string }>(
      `SELECT DISTINCT entity_id FROM crdt_events WHERE space_id = $1 ORDER BY entity_id`,
      [space],
    );
    expect(recorded.map((r) => r.entity_id)).toEqual(['public.txt']);
    expect((await alpha.service['settings:get']({})).ignoreRules).toBe('secret/\n');
  });
});
