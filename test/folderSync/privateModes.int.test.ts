/**
 * Private by default (issue 15, point 3), under umask 077: a data dir left open by an older
 * version or a copy (0755, its config 0644, its trash 0755 with a 0644 file) is private again the
 * next time a command opens it; and a file received from another device gets its version's bits
 * masked by the umask (0644 made elsewhere is 0600 here), a folder's too (0755 is 0700), without
 * that difference ever being recorded as a change of this device's.
 */
import { chmod, lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetUmask } from '../../src-main/core/files/fileModes.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { DeviceSlot, syncAll } from './support/devices.js';
import { cliOk } from './support/runCli.js';
import { TestHub } from './support/testHub.js';

const modeOf = async (p: string) => (await lstat(p)).mode & 0o777;

let saved = 0;
let tmp: TempDir;
let hub: TestHub;
const slots: DeviceSlot[] = [];

beforeAll(async () => {
  saved = process.umask(0o077);
  forgetUmask();
  tmp = await makeTempDir('ng-private-');
  hub = await TestHub.create('foldersync_private');
  for (const name of ['alpha', 'bravo']) slots.push(await DeviceSlot.create(hub, name));
}, 120_000);

afterAll(async () => {
  for (const s of slots) await s.close();
  await hub?.close();
  await tmp?.cleanup();
  process.umask(saved);
  forgetUmask();
});

describe('private by default, under umask 077', () => {
  it('a data dir left open is made private again when a command opens it', async () => {
    const folder = path.join(tmp.path, 'folder');
    const data = path.join(tmp.path, 'data');
    await cliOk(['init', '--folder', folder, '--name', 'solo', '--data', data]);
    // As an older version, a restore or `cp -r` under umask 022 would leave it.
    await chmod(data, 0o755);
    await chmod(path.join(data, 'config.json'), 0o644);
    await mkdir(path.join(data, 'trash', 'old-item'), { recursive: true, mode: 0o755 });
    await chmod(path.join(data, 'trash'), 0o755);
    await writeFile(path.join(data, 'trash', 'old-item', 'kept.txt'), 'x', { mode: 0o644 });

    await cliOk(['status', '--data', data]);

    // 0700; run as root, others may only pass through (0711), to reach the clusters its
    // PostgreSQL servers, run as `postgres`, keep inside it.
    expect(await modeOf(data)).toBe(process.getuid?.() === 0 ? 0o711 : 0o700);
    expect(await modeOf(path.join(data, 'config.json'))).toBe(0o600);
    expect(await modeOf(path.join(data, 'trash'))).toBe(0o700);
  });

  it('a received file gets its version’s bits masked by the umask, and nothing flows back', async () => {
    const [alpha, bravo] = slots as [DeviceSlot, DeviceSlot];
    const spaceId = hub.newSpaceId('private');
    const a = await alpha.open(spaceId);
    const b = await bravo.open(spaceId);
    try {
      await writeFile(a.abs('shared.txt'), 'for the team\n');
      await chmod(a.abs('shared.txt'), 0o644);
      await writeFile(a.abs('tool.sh'), '#!/bin/sh\n');
      await chmod(a.abs('tool.sh'), 0o755);
      // A folder too: 0755 elsewhere would let everyone on B's machine list the names in it.
      await mkdir(a.abs('team'));
      await chmod(a.abs('team'), 0o755);
      await writeFile(a.abs('team/plan.txt'), 'plan\n');
      await syncAll([a, b]);

      expect(await modeOf(b.abs('shared.txt'))).toBe(0o600);
      expect(await modeOf(b.abs('tool.sh'))).toBe(0o700);
      expect(await modeOf(b.abs('team'))).toBe(0o700);
      // B's scan sees its own masked bits as the version's: no change goes back to A.
      await b.device.scan();
      await syncAll([a, b]);
      expect(await modeOf(a.abs('shared.txt'))).toBe(0o644);
      expect(await modeOf(a.abs('tool.sh'))).toBe(0o755);
      expect(await modeOf(a.abs('team'))).toBe(0o755);
      const shared = await b.device.manager.getFileState('shared.txt');
      expect(shared?.fields['mode']).toBe(0o644);
      const team = await b.device.manager.getFileState('team');
      expect(team?.fields['folderMode']).toBe(0o755);

      // A chmod of the folder on A reaches B less B's umask, and still nothing flows back.
      await chmod(a.abs('team'), 0o750);
      await syncAll([a, b]);
      expect(await modeOf(b.abs('team'))).toBe(0o700);
      await b.device.scan();
      await syncAll([a, b]);
      expect(await modeOf(a.abs('team'))).toBe(0o750);
      expect((await b.device.manager.getFileState('team'))?.fields['folderMode']).toBe(0o750);
    } finally {
      await a.device.close();
      await b.device.close();
    }
  });
});
