import { chmod, chown, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../test/support/tempDir.js';
import {
  diskLimitsOf,
  readDeviceConfig,
  trashLimitsOf,
  writeDeviceConfig,
  type DeviceConfig,
} from './deviceConfig.js';
import { writeFolderMarker } from './files/folderMarker.js';

/**
 * config.json decides which folder a device reads and which hub it sends it to (issue 12 point
 * 7): only the user's own, unwritable by others, is used; and a data dir never lies inside its
 * synced folder. Real files and folders.
 */

let tmp: TempDir;
let folder: string;

beforeEach(async () => {
  tmp = await makeTempDir('ng-device-config-');
  folder = path.join(tmp.path, 'Sync');
  await mkdir(folder);
});
afterEach(async () => {
  await tmp?.cleanup();
});

const configFor = (folderPath: string): DeviceConfig => ({
  version: 1,
  folder: folderPath,
  spaceId: 'default',
  deviceName: 'laptop',
  hub: null,
  syncIntervalMs: 30_000,
  rescanIntervalMs: 900_000,
  paused: false,
});

/** A config.json as a hand (or another program) writes it: no check on the way in. */
async function writeRaw(dataDir: string, config: DeviceConfig, mode = 0o600): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'config.json');
  await writeFile(file, JSON.stringify(config));
  await chmod(file, mode);
  return file;
}

async function refusal(dataDir: string): Promise<string> {
  const read = await readDeviceConfig(dataDir);
  if (read.ok) throw new Error(`${dataDir}: config.json was accepted`);
  return read.error.message;
}

describe('config.json', () => {
  it('is read when it is the user’s own and only the user may change it (0600, 0644, 0400)', async () => {
    const dataDir = path.join(tmp.path, 'data');
    await writeDeviceConfig(dataDir, configFor(folder));
    expect((await stat(path.join(dataDir, 'config.json'))).mode & 0o777).toBe(0o600);
    for (const mode of [0o600, 0o644, 0o400]) {
      await writeRaw(dataDir, configFor(folder), mode);
      expect(await readDeviceConfig(dataDir)).toEqual({ ok: true, value: configFor(folder) });
    }
  });

  it.each([
    [0o664, '0664'],
    [0o646, '0646'],
    [0o666, '0666'],
  ])(
    'is refused when group or others may write it (mode %s), saying chmod 600',
    async (mode, shown) => {
      const dataDir = path.join(tmp.path, 'data');
      const file = await writeRaw(dataDir, configFor(folder), mode);
      expect(await refusal(dataDir)).toBe(
        `refusing ${file}: other users may change it (mode ${shown}); fix it with: chmod 600 '${file}'`,
      );
    },
  );

  it.runIf(process.getuid?.() === 0)(
    'is refused when it belongs to another user, saying chown',
    async () => {
      const dataDir = path.join(tmp.path, 'data');
      const file = await writeRaw(dataDir, configFor(folder));
      await chown(file, 65534, 65534);
      expect(await refusal(dataDir)).toBe(
        `refusing ${file}: it belongs to user 65534, not to the user running NetGuardian (0); if it is yours, fix it with: chown 0 '${file}'`,
      );
    },
  );
});

describe('a data dir inside its synced folder', () => {
  const refusedSentence = (dataDir: string, folderPath: string) =>
    `refusing the data dir ${dataDir}: it is inside the synced folder ${folderPath}, so the device's store and config would be synced; use a data dir outside the folder (--data DIR, or NETGUARDIAN_DATA)`;

  it('is refused by init (writing the config) and leaves nothing in the folder', async () => {
    const dataDir = path.join(folder, '.netguardian');
    await expect(writeDeviceConfig(dataDir, configFor(folder))).rejects.toThrow(
      refusedSentence(dataDir, folder),
    );
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
    await expect(writeDeviceConfig(folder, configFor(folder))).rejects.toThrow(
      refusedSentence(folder, folder),
    );
  });

  it('is refused when a device is opened, also through a symlink', async () => {
    const inside = path.join(folder, 'deep', 'data');
    await writeRaw(inside, configFor(folder));
    expect(await refusal(inside)).toBe(refusedSentence(inside, folder));

    const link = path.join(tmp.path, 'data-link');
    await symlink(inside, link);
    expect(await refusal(link)).toBe(refusedSentence(link, folder));

    const linkedFolder = path.join(tmp.path, 'sync-link');
    await symlink(folder, linkedFolder);
    await writeRaw(inside, configFor(linkedFolder));
    expect(await refusal(inside)).toBe(refusedSentence(inside, linkedFolder));
  });

  it('is not a data dir beside the folder whose name starts alike', async () => {
    for (const dataDir of [path.join(tmp.path, 'Sync-data'), path.join(tmp.path, 'Sync.data')]) {
      await writeDeviceConfig(dataDir, configFor(folder));
      expect((await readDeviceConfig(dataDir)).ok).toBe(true);
    }
  });
});

describe('a data dir inside another device’s synced folder', () => {
  it('is refused, known by the folder’s marker', async () => {
    await writeFolderMarker(folder, 'a1b2c3d4e5f60718293a4b5c');
    const planted = path.join(folder, '.sync-cache');
    const elsewhere = path.join(tmp.path, 'elsewhere');
    await mkdir(elsewhere);
    await writeRaw(planted, configFor(elsewhere));
    expect(await refusal(planted)).toBe(
      `refusing the data dir ${planted}: it is inside the synced folder ${folder}, so the device's store and config would be synced; use a data dir outside the folder (--data DIR, or NETGUARDIAN_DATA)`,
    );
    const beside = path.join(tmp.path, 'data');
    await writeDeviceConfig(beside, configFor(elsewhere));
    expect((await readDeviceConfig(beside)).ok).toBe(true);
  });
});

describe('config.json trash retention', () => {
  it('opens a config written before retention, with the defaults: 30 days, 10%', async () => {
    const dataDir = path.join(tmp.path, 'data');
    await writeRaw(dataDir, configFor(folder));
    const read = await readDeviceConfig(dataDir);
    expect(read.ok && trashLimitsOf(read.value)).toEqual({ maxAgeDays: 30, maxPercent: 10 });
  });

  it('reads the limits it sets', async () => {
    const dataDir = path.join(tmp.path, 'data');
    await writeRaw(dataDir, { ...configFor(folder), trashMaxAgeDays: 7, trashMaxPercent: 2.5 });
    const read = await readDeviceConfig(dataDir);
    expect(read.ok && trashLimitsOf(read.value)).toEqual({ maxAgeDays: 7, maxPercent: 2.5 });
  });

  it('refuses a bad limit in one line naming the field and the value', async () => {
    const dataDir = path.join(tmp.path, 'data');
    const file = path.join(dataDir, 'config.json');
    const cases: [Record<string, unknown>, string][] = [
      [{ trashMaxAgeDays: 0 }, 'trashMaxAgeDays: must be at least 1 day, not 0'],
      [{ trashMaxAgeDays: 2.5 }, 'trashMaxAgeDays: must be a whole number of days, not 2.5'],
      [{ trashMaxAgeDays: '30' }, 'trashMaxAgeDays: must be a number of days, not "30"'],
      [
        { trashMaxAgeDays: 5000 },
        'trashMaxAgeDays: must be at most 3650 days (ten years), not 5000',
      ],
      [
        { trashMaxPercent: 0 },
        'trashMaxPercent: must be more than 0 (percent of the folder), not 0',
      ],
      [
        { trashMaxPercent: 150 },
        'trashMaxPercent: must be at most 100 (percent of the folder), not 150',
      ],
      [{ trashMaxPercent: 'ten' }, 'trashMaxPercent: must be a percentage, not "ten"'],
    ];
    for (const [bad, message] of cases) {
      await writeRaw(dataDir, { ...configFor(folder), ...bad });
      expect(await refusal(dataDir)).toBe(`${file}: ${message}`);
    }
  });
});

describe('config.json disk space', () => {
  it('opens a config without the keys, with the defaults: the reserve by rule, 64 GiB a file', async () => {
    const dataDir = path.join(tmp.path, 'data');
    await writeRaw(dataDir, configFor(folder));
    const read = await readDeviceConfig(dataDir);
    expect(read.ok && diskLimitsOf(read.value)).toEqual({
      reserveBytes: undefined,
      maxFileBytes: 68_719_476_736,
    });
  });

  it('reads the limits it sets, a reserve of 0 included', async () => {
    const dataDir = path.join(tmp.path, 'data');
    await writeRaw(dataDir, { ...configFor(folder), diskReserveBytes: 0, maxFileBytes: 4_194_304 });
    const read = await readDeviceConfig(dataDir);
    expect(read.ok && diskLimitsOf(read.value)).toEqual({
      reserveBytes: 0,
      maxFileBytes: 4_194_304,
    });
  });

  it('refuses a bad limit in one line naming the field and the value', async () => {
    const dataDir = path.join(tmp.path, 'data');
    const file = path.join(dataDir, 'config.json');
    const cases: [Record<string, unknown>, string][] = [
      [{ diskReserveBytes: -1 }, 'diskReserveBytes: must be 0 bytes or more, not -1'],
      [{ diskReserveBytes: 1.5 }, 'diskReserveBytes: must be a whole number of bytes, not 1.5'],
      [{ diskReserveBytes: '1 GiB' }, 'diskReserveBytes: must be a number of bytes, not "1 GiB"'],
      [{ maxFileBytes: 64 }, 'maxFileBytes: must be at least 1048576 bytes (1 MiB), not 64'],
      [{ maxFileBytes: null }, 'maxFileBytes: must be a number of bytes, not null'],
    ];
    for (const [bad, message] of cases) {
      await writeRaw(dataDir, { ...configFor(folder), ...bad });
      expect(await refusal(dataDir)).toBe(`${file}: ${message}`);
    }
  });
});
