/**
 * Issue 12 point 7, attack 1: a peer's `.env` configured the CLI. As real processes: a hub
 * (`netguardian hub start`), the victim's device (its data dir the default `~/.netguardian` of
 * the test's HOME) and a hostile peer, mallory, both paired with it (`hub invite`, `init --join`)
 * in the same space. Mallory syncs a `.env` naming a data dir inside the folder, and there a
 * config.json whose folder is the victim's `~/.ssh` and whose hub is mallory's own space (with
 * the credential of a device mallory paired there). Earlier the CLI loaded `.env` from the working directory, so
 * `netguardian sync` run inside the synced folder uploaded `~/.ssh` to mallory. Now files in the
 * folder are data: nothing leaves `~/.ssh`, and the device's hub comes from its config.json
 * only; a hub's settings come from the environment or `--env-file`, read by `hub start` alone.
 * And a device refuses, in one line, a data dir inside its synced folder and a config.json that
 * other users may change.
 */
import { chmod, copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { initDevice, type DeviceDirs } from '../owner/support/devices.js';
import { HubServer } from '../owner/support/hub.js';
import { netguardianOk } from '../owner/support/netguardian.js';
import { hubStartLine, okIn, runIn, type Shell } from './support/cliIn.js';

const SPACE = 'shared';
const LOOT = 'loot';
/** What mallory puts in the planted data dir, sorted as `readdir` lists it. */
const PLANTED = ['config.json', 'hub-credential'];

let tmp: TempDir;
let hub: HubServer;
let home: string;
let victimFolder: string;
let mallory: DeviceDirs;
/** A shell in the test's home, outside any synced folder. */
let atHome: Shell;

/** The events the hub holds in a space (as its admin: every device's). */
const hubEvents = (space: string) => hub.read((store) => store.readAboveFrontier(space, {}, 1000));

/** The DB_* keys of a postgres:// URL, as the seed's `.env` spells them. */
function dbKeys(url: string): Record<string, string> {
  const u = new URL(url);
  return {
    DB_HOST: u.hostname,
    DB_PORT: u.port,
    DB_NAME: decodeURIComponent(u.pathname.slice(1)),
    DB_USER: decodeURIComponent(u.username),
    DB_PASSWORD: decodeURIComponent(u.password),
  };
}
const envText = (keys: Record<string, string>) =>
  Object.entries(keys)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');

beforeAll(async () => {
  tmp = await makeTempDir('ng-peer-env-');
  // As root an embedded server (the victim's store, a hub below) runs as `postgres`, which must
  // be able to enter the folders above its data.
  await chmod(tmp.path, 0o755);
  hub = await HubServer.start(tmp.path);
  home = path.join(tmp.path, 'home');
  await mkdir(path.join(home, '.ssh'), { recursive: true });
  await writeFile(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY of the victim\n', {
    mode: 0o600,
  });
  atHome = { cwd: home, home };
  victimFolder = path.join(home, 'Sync');
  await okIn(atHome, [
    'init',
    '--folder',
    victimFolder,
    '--name',
    'victim',
    '--join',
    await hub.invite(SPACE),
  ]);
  mallory = await initDevice({ root: tmp.path, hub, spaceId: SPACE, name: 'mallory' });
});

afterAll(async () => {
  await hub?.close();
  await tmp?.cleanup();
});

describe("a peer's .env", () => {
  it('does not make `netguardian sync`, run inside the synced folder, upload ~/.ssh', async () => {
    // Mallory's files: a .env naming a data dir in the folder, and there a config.json and the
    // credential of a device mallory paired with its own space.
    const loot = await initDevice({ root: tmp.path, hub, spaceId: LOOT, name: 'mallory-loot' });
    const lootConfig = JSON.parse(
      await readFile(path.join(loot.dataDir, 'config.json'), 'utf8'),
    ) as {
      hub: unknown;
    };
    await writeFile(path.join(mallory.folder, '.env'), 'NETGUARDIAN_DATA=.sync-cache\n');
    const plantedDir = path.join(mallory.folder, '.sync-cache');
    await mkdir(plantedDir);
    const planted = {
      version: 1,
      folder: path.join(home, '.ssh'),
      spaceId: LOOT,
      deviceName: 'loot',
      hub: lootConfig.hub,
    };
    await writeFile(path.join(plantedDir, 'config.json'), JSON.stringify(planted));
    await copyFile(
      path.join(loot.dataDir, 'hub-credential'),
      path.join(plantedDir, 'hub-credential'),
    );
    await netguardianOk(['sync', '--data', mallory.dataDir]);
    await okIn(atHome, ['sync']);
    expect(await readFile(path.join(victimFolder, '.env'), 'utf8')).toContain('NETGUARDIAN_DATA');
    expect(await readdir(path.join(victimFolder, '.sync-cache'))).toEqual(PLANTED);

    const run = await runIn({ cwd: victimFolder, home }, ['sync']);

    expect(run.code).toBe(0);
    expect(await hubEvents(LOOT)).toEqual([]);
    // The planted data dir was never opened: no store, no lock beside the config.
    expect(await readdir(path.join(victimFolder, '.sync-cache'))).toEqual(PLANTED);
    // The victim's own device ran: what it pushed is in the shared space, under its name.
    const status = JSON.parse(await okIn({ cwd: victimFolder, home }, ['status', '--json'])) as {
      deviceName: string;
    };
    expect(status.deviceName).toBe('victim');
    // Named on purpose, the planted data dir is refused: it lies inside a synced folder.
    const named = await runIn({ cwd: victimFolder, home }, ['sync', '--data', '.sync-cache']);
    expect(named.code).toBe(1);
    expect(named.stderr).toBe(
      `netguardian: refusing the data dir ${path.join(victimFolder, '.sync-cache')}: it is inside the synced folder ${victimFolder}, so the device's store and config would be synced; use a data dir outside the folder (--data DIR, or NETGUARDIAN_DATA)\n`,
    );
    expect(await hubEvents(LOOT)).toEqual([]);
  });

  it("is no hub for a device: DB_* keys in the environment don't reach a local-only device", async () => {
    const local = { cwd: home, home, env: dbKeys(hub.databaseUrl) };
    const folder = path.join(home, 'Private');
    const dataDir = path.join(home, 'private-data');
    await mkdir(folder);
    await writeFile(path.join(folder, 'diary.txt'), 'only on this machine\n');
    await okIn(local, ['init', '--folder', folder, '--data', dataDir, '--space', 'private']);

    const synced = await runIn(local, ['sync', '--data', dataDir]);

    expect(synced.code).toBe(0);
    const status = JSON.parse(await okIn(local, ['status', '--json', '--data', dataDir])) as {
      hub: unknown;
    };
    expect(status.hub).toBeNull();
    expect(await hubEvents('private')).toEqual([]);
  });
});

describe("a hub's settings", () => {
  it('come from --env-file or the environment, never from a .env in the working directory', async () => {
    const admin = dbKeys(hub.databaseUrl);
    // A .env in the folder with a server's keys, as a peer or the seed's habit would leave.
    await writeFile(path.join(victimFolder, '.env'), envText(admin));
    const inFolder: Shell = { cwd: victimFolder, home };
    const hubDir = (name: string) => path.join(tmp.path, 'hubs', name);
    const listen = ['--listen', '127.0.0.1:0'];
    // As root the embedded server runs as `postgres`, which must be able to enter the hub's dir.
    await mkdir(path.join(tmp.path, 'hubs'), { mode: 0o755 });
    await chmod(path.join(tmp.path, 'hubs'), 0o755);

    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // `started`, not `created`, on a server that holds a hub already: the process joins that hub.
    const listening = (tail: string, verb = 'created') =>
      new RegExp(`^hub ${verb}: listening on 127\\.0\\.0\\.1:\\d+ \\(${escape(tail)}\\)$`);

    // Not read: the hub runs on its own embedded server.
    expect(await hubStartLine(inFolder, ['--data', hubDir('cwd'), ...listen])).toMatch(
      listening(`embedded PostgreSQL in ${hubDir('cwd')}`),
    );
    // Read from the file --env-file names, and from the environment.
    const envFile = path.join(home, 'hub.env');
    await writeFile(envFile, envText(admin), { mode: 0o600 });
    expect(
      await hubStartLine(inFolder, ['--data', hubDir('file'), ...listen, '--env-file', envFile]),
    ).toMatch(listening('PostgreSQL server given', 'started'));
    expect(
      await hubStartLine({ ...inFolder, env: admin }, ['--data', hubDir('env'), ...listen]),
    ).toMatch(listening('PostgreSQL server given', 'started'));
  });

  it('fail in one line when the --env-file is not there', async () => {
    const missing = path.join(home, 'nope.env');
    const run = await runIn(atHome, [
      'hub',
      'start',
      '--data',
      path.join(tmp.path, 'hubs', 'missing'),
      '--env-file',
      missing,
    ]);
    // Node 20 itself reads `--env-file` even after the script's name and ends the process
    // (nodejs/node#54232: "node: <file>: not found", exit 9) before our one line can say it.
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^[^\n]*${missing}[^\n]*\n$`));
  });
});

describe("a device's data dir and config.json", () => {
  it('refuses a data dir inside the synced folder at init, in one line', async () => {
    const folder = path.join(home, 'Inside');
    const dataDir = path.join(folder, '.netguardian');

    const run = await runIn(atHome, ['init', '--folder', folder, '--data', dataDir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `netguardian: refusing the data dir ${dataDir}: it is inside the synced folder ${folder}, so the device's store and config would be synced; use a data dir outside the folder (--data DIR, or NETGUARDIAN_DATA)\n`,
    );
    // init made the folder, and took it back when it refused: nothing left behind.
    await expect(readdir(folder)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a config.json others may change, saying how to fix it, in one line', async () => {
    const file = path.join(home, '.netguardian', 'config.json');
    await chmod(file, 0o666);
    try {
      const run = await runIn(atHome, ['status']);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `netguardian: refusing ${file}: other users may change it (mode 0666); fix it with: chmod 600 '${file}'\n`,
      );
    } finally {
      await chmod(file, 0o600);
    }
    expect((await runIn(atHome, ['status'])).code).toBe(0);
  });
});
