import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRow, openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { pgAdminUrl } from '../../../test/support/freshDatabase.js';
import { TestHub } from '../../../test/folderSync/support/testHub.js';
import { SqlTestHub } from '../../../test/support/sqlTestHub.js';

/**
 * Two AppServices on real devices syncing through a real hub service they paired with:
 * per-file states (pending upload while paused), a conflict as the
 * review screen sees it (both versions, sides, copies, previews), resolving it
 * everywhere, the devices list; and hub:test's answers about an older PostgreSQL hub's URL.
 */

let hub: TestHub;
let alpha: AppHarness;
let beta: AppHarness;

beforeAll(async () => {
  hub = await TestHub.create('ng_app_hub');
  const space = hub.newSpaceId('app');
  const pair = hub.pair.bind(hub);
  alpha = await openAppHarness({ name: 'alpha', spaceId: space, pair });
  beta = await openAppHarness({ name: 'beta', spaceId: space, pair });
});
afterAll(async () => {
  await alpha?.close();
  await beta?.close();
  await hub?.close();
});

describe('AppService with a hub', () => {
  it('shows a local change as pending upload while paused, synced once pushed and received', async () => {
    await writeFile(path.join(alpha.folder, 'doc.txt'), 'base');
    await beta.until(
      async () => (await fileRow(beta.service, 'doc.txt'))?.state === 'synced',
      'doc.txt on beta',
    );
    expect(await readFile(path.join(beta.folder, 'doc.txt'), 'utf8')).toBe('base');
    expect((await fileRow(beta.service, 'doc.txt'))?.lastDevice).toBe('alpha');

    await alpha.service['sync:pause']({ paused: true });
    await beta.service['sync:pause']({ paused: true });
    await writeFile(path.join(alpha.folder, 'doc.txt'), 'from alpha');
    await alpha.until(
      async () => (await alpha.service['history:get']({ path: 'doc.txt' })).length === 2,
      'the edit recorded on alpha',
    );
    await alpha.until(
      async () => (await fileRow(alpha.service, 'doc.txt'))?.state === 'pending-upload',
      'pending upload on alpha',
    );
    const paused = await alpha.service['state:get']({});
    expect(paused).toMatchObject({ phase: 'paused', paused: true });
    expect(paused.pending.upload).toBeGreaterThanOrEqual(1);
    await writeFile(path.join(beta.folder, 'doc.txt'), 'from beta');
    await beta.until(
      async () => (await beta.service['history:get']({ path: 'doc.txt' })).length === 2,
      'the edit recorded on beta',
    );
    await beta.until(
      async () => (await fileRow(beta.service, 'doc.txt'))?.state === 'pending-upload',
      'pending upload on beta',
    );
  });

  it('lists the conflict with both versions and previews them, on both devices', async () => {
    await alpha.service['sync:pause']({ paused: false });
    await alpha.until(
      async () => (await fileRow(alpha.service, 'doc.txt'))?.state !== 'pending-upload',
      'alpha pushed',
    );
    await beta.service['sync:pause']({ paused: false });
    await beta.until(
      async () => (await beta.service['conflicts:list']({})).length === 1,
      'conflict on beta',
    );
    await alpha.until(
      async () => (await alpha.service['conflicts:list']({})).length === 1,
      'conflict on alpha',
    );

    const [conflict] = await beta.service['conflicts:list']({});
    expect(conflict?.path).toBe('doc.txt');
    expect(conflict?.preview).toBe('text');
    const versions = conflict?.versions ?? [];
    expect(versions).toHaveLength(2);
    expect(versions[0]?.winner).toBe(true);
    expect(versions.map((v) => v.side).sort()).toEqual(['mine', 'theirs']);
    expect(versions.map((v) => v.device).sort()).toEqual(['alpha', 'beta']);
    const loser = versions[1];
    expect(loser?.copyPath).toMatch(/^doc\.conflict-.+\.txt$/);
    expect((await fileRow(beta.service, 'doc.txt'))?.state).toBe('conflict');
    const texts = await Promise.all(
      versions.map((v) =>
        beta.service['conflicts:content']({ path: 'doc.txt', eventId: v.eventId }),
      ),
    );
    const byDevice = Object.fromEntries(versions.map((v, i) => [v.device, texts[i]]));
    expect(byDevice['alpha']).toEqual({ kind: 'text', text: 'from alpha', truncated: false });
    expect(byDevice['beta']).toEqual({ kind: 'text', text: 'from beta', truncated: false });
    expect((await beta.service['state:get']({})).phase).toBe('conflicts');
    expect(beta.pushes.some((m) => m.channel === 'conflicts:changed')).toBe(true);
    const activity = await beta.service['activity:list']({});
    expect(activity.some((a) => a.kind === 'conflict' && a.path === 'doc.txt')).toBe(true);
  });

  it('resolves with keep mine everywhere, and lists both devices', async () => {
    const { results } = await beta.service['conflicts:resolve']({
      items: [{ path: 'doc.txt', keep: 'mine' }],
    });
    expect(results).toEqual([{ path: 'doc.txt', ok: true }]);
    expect(await readFile(path.join(beta.folder, 'doc.txt'), 'utf8')).toBe('from beta');
    expect(await beta.service['conflicts:list']({})).toEqual([]);
    await alpha.until(
      async () => (await alpha.service['conflicts:list']({})).length === 0,
      'resolved on alpha',
    );
    await alpha.until(
      async () => (await readFile(path.join(alpha.folder, 'doc.txt'), 'utf8')) === 'from beta',
      'beta’s version on alpha',
    );
    const again = await beta.service['conflicts:resolve']({
      items: [{ path: 'doc.txt', keep: 'mine' }],
    });
    expect(again.results[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no conflict/) as unknown,
    });
    // The hub service's list: both paired devices, this one first.
    const { devices, hub } = await beta.service['devices:list']({});
    expect(hub).toBe('listed');
    expect(devices.map((d) => [d.name, d.thisDevice])).toEqual([
      ['beta', true],
      ['alpha', false],
    ]);
    expect(devices.every((d) => d.lastSeen !== null)).toBe(true);
  });

  it('restores a version whose bytes only the hub still has', async () => {
    const history = await alpha.service['history:get']({ path: 'doc.txt' });
    const base = history.find((h) => h.size === 4);
    expect(base).toBeDefined();
    expect(
      await alpha.service['history:restore']({ path: 'doc.txt', eventId: base?.eventId as string }),
    ).toEqual({
      restored: true,
    });
    expect(await readFile(path.join(alpha.folder, 'doc.txt'), 'utf8')).toBe('base');
  });

  it('has the file list read its rows again once what it sent is on the hub', async () => {
    // Nothing else may reach alpha meanwhile: beta paused, and alpha holding all there is.
    await beta.service['sync:pause']({ paused: true });
    await alpha.service['sync:pause']({ paused: false });
    for (let round = 0; round < 5; round++) {
      const run = await alpha.service['sync:run']({});
      if (run.synced && run.received === 0 && run.sent === 0) break;
    }
    await alpha.service['sync:pause']({ paused: true });
    await writeFile(path.join(alpha.folder, 'sent.txt'), 'sent');
    await alpha.until(
      async () => (await fileRow(alpha.service, 'sent.txt'))?.state === 'pending-upload',
      'sent.txt waiting to upload on alpha',
    );
    // From here on, only the sync run that sends it can say the list changed: nothing arrives.
    alpha.pushes.length = 0;
    await alpha.service['sync:pause']({ paused: false });
    await alpha.until(
      async () => (await fileRow(alpha.service, 'sent.txt'))?.state === 'synced',
      'sent.txt synced on alpha',
    );
    // The app's list refetches on a files:changed push; before, a run that only sent pushed
    // none after it ("… sent to the hub"), and the row said "Waiting to upload" while the header
    // said "Synced". (The scan that starts the round pushes one before it sends.)
    const sentNote = () =>
      alpha.pushes.findIndex(
        (m) => m.channel === 'activity' && / sent to the hub$/.test(m.payload.message),
      );
    await alpha.until(() => sentNote() >= 0, 'the run that sent it');
    await alpha.until(
      () => alpha.pushes.slice(sentNote()).some((m) => m.channel === 'files:changed'),
      'a files:changed push after the run that sent it',
    );
  });

  it('tests hub addresses without throwing: a hub, nothing listening, not a hub', async () => {
    // hub:test takes an older hub's PostgreSQL URL (settings still offer it): a device role on one.
    const sqlHub = await SqlTestHub.create('ng_app_hubtest');
    try {
      const hubUrl = (await sqlHub.addDevice('alpha', sqlHub.newSpaceId('probe'))).connectionString;
      const good = await alpha.service['hub:test']({ url: hubUrl, ssl: 'off' });
      expect(good.ok).toBe(true);
      expect(good.latencyMs).not.toBeNull();
      expect(good.message).not.toContain(new URL(hubUrl).password);
    } finally {
      await sqlHub.close();
    }
    const closed = await alpha.service['hub:test']({
      url: 'postgres://u:p@127.0.0.1:1/db',
      ssl: 'off',
    });
    expect(closed).toMatchObject({ ok: false, latencyMs: null });
    expect(closed.message).toMatch(/cannot reach .*nothing answers/);
    const plain = await alpha.service['hub:test']({ url: pgAdminUrl(), ssl: 'off' });
    expect(plain.ok).toBe(false);
    expect(plain.message).toMatch(/hub init/);
  });
});
