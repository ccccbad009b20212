/**
 * Pairing through the CLI: a hub run with `netguardian hub start` (a child process on a fresh
 * database), devices joined with `hub invite` and `init --join`, listed with `hub devices`,
 * revoked with `hub remove-device`, and a local-only device moved to the hub with `join`. A
 * refused init (used invite, garbled code) leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { startDaemon } from '../owner/support/netguardian.js';
import { CliHub } from './support/cliHub.js';
import { addCliDevice, cliOk, runCli, type CliRun } from './support/runCli.js';

let db: FreshDatabase;
let tmp: TempDir;
let hub: CliHub;

beforeAll(async () => {
  db = await createFreshDatabase('foldersync_cli_join');
  tmp = await makeTempDir('ng-cli-join-');
  hub = await CliHub.start(tmp.path, db.url);
});

afterAll(async () => {
  try {
    await hub?.stop();
  } finally {
    await db?.drop();
    await tmp?.cleanup();
  }
});

const newSpace = () => `join-${randomBytes(4).toString('hex')}`;

/** A refusal as the CLI prints one: exit 1, nothing on stdout, one line on stderr. */
function expectRefusal(run: CliRun, sentence: string | RegExp): void {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  if (typeof sentence === 'string') expect(lines[0]).toBe(`netguardian: ${sentence}`);
  else expect(lines[0]).toMatch(sentence);
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('hub start', () => {
  it('prints where it listens and its fingerprint, never a password or a secret', () => {
    const printed = hub.output();
    expect(printed).toContain(`listening on ${hub.address}`);
    expect(printed).toMatch(/^certificate fingerprint \(SHA-256\): [0-9a-f]{64}$/m);
    expect(printed).toContain(`netguardian hub invite --data ${hub.dataDir}`);
    expect(printed).not.toContain(new URL(db.url).password || 'no password in the URL');
    expect(printed).not.toMatch(/postgres(ql)?:\/\//);
  });
});

describe('init --join', () => {
  it('pairs two devices that then sync, keeping the credential out of config and output', async () => {
    const space = newSpace();
    const invite = await runCli(['hub', 'invite', '--data', hub.dataDir, '--space', space]);
    expect(invite.code).toBe(0);
    const [code, sentence, extra] = invite.stdout.split('\n');
    expect(code).toMatch(/^ng1-[A-Za-z0-9_-]+$/);
    expect(sentence).toMatch(
      new RegExp(
        `^joins space ${space}, valid until .+; use once: netguardian init --folder FOLDER --join CODE$`,
      ),
    );
    expect(extra).toBe('');

    const laptopFolder = path.join(tmp.path, 'pair', 'laptop', 'folder');
    const laptopData = path.join(tmp.path, 'pair', 'laptop', 'data');
    const init = await cliOk([
      'init',
      '--folder',
      laptopFolder,
      '--name',
      'laptop',
      '--join',
      code as string,
      '--data',
      laptopData,
    ]);
    expect(init).toMatch(
      new RegExp(`^initialized laptop \\(\\S+\\) for ${laptopFolder} in space ${space}\\n`),
    );
    expect(init).toContain(`hub: ${hub.address} (paired;`);

    const config = JSON.parse(await readFile(path.join(laptopData, 'config.json'), 'utf8')) as {
      spaceId: string;
      hub: Record<string, string>;
    };
    expect(config.spaceId).toBe(space);
    expect(Object.keys(config.hub).sort()).toEqual(['address', 'fingerprint', 'hubId']);
    expect(config.hub['address']).toBe(hub.address);
    expect(config.hub['fingerprint']).toBe(hub.fingerprint);
    const credentialFile = path.join(laptopData, 'hub-credential');
    expect((await stat(credentialFile)).mode & 0o777).toBe(0o600);
    const credential = (await readFile(credentialFile, 'utf8')).trim();
    expect(credential.length).toBeGreaterThanOrEqual(16);
    expect(JSON.stringify(config)).not.toContain(credential);
    expect(init).not.toContain(credential);

    const desktop = await addCliDevice(hub, space, 'desktop', path.join(tmp.path, 'pair'));
    await writeFile(path.join(laptopFolder, 'plan.txt'), 'the plan\n');
    expect(await cliOk(['sync', '--data', laptopData])).toBe(
      'synced: sent 1, received 0 changes\n',
    );
    expect(await cliOk(['sync', '--data', desktop.data])).toBe(
      'synced: sent 0, received 1 changes\n',
    );
    expect(await readFile(path.join(desktop.folder, 'plan.txt'), 'utf8')).toBe('the plan\n');
    const status = await cliOk(['status', '--data', desktop.data]);
    expect(status).toMatch(
      new RegExp(`^hub {7}${hub.address.replace(/\./g, '\\.')}: reachable`, 'm'),
    );
  });

  it('refuses a used invite and leaves nothing behind, not even in a folder the user had', async () => {
    const space = newSpace();
    const code = await hub.invite(space);
    await cliOk([
      'init',
      '--folder',
      path.join(tmp.path, 'used', 'first', 'folder'),
      '--join',
      code,
      '--data',
      path.join(tmp.path, 'used', 'first', 'data'),
    ]);

    // A folder the user already had, with a file in it; a data dir that does not exist yet.
    const folder = path.join(tmp.path, 'used', 'second', 'folder');
    const data = path.join(tmp.path, 'used', 'second', 'data');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'mine.txt'), 'my own file\n');
    const run = await runCli(['init', '--folder', folder, '--join', code, '--data', data]);
    expectRefusal(
      run,
      new RegExp(
        `^netguardian: could not join the hub at ${hub.address.replace(/\./g, '\\.')}: this invite was already used on \\S+: ask for a new one$`,
      ),
    );
    expect(await exists(data)).toBe(false);
    expect(await readdir(folder)).toEqual(['mine.txt']);
    expect(await readFile(path.join(folder, 'mine.txt'), 'utf8')).toBe('my own file\n');

    // Nothing left: the same command with a fresh invite now works.
    const again = await cliOk([
      'init',
      '--folder',
      folder,
      '--join',
      await hub.invite(space),
      '--data',
      data,
    ]);
    expect(again).toContain(`in space ${space}`);
  });

  it('refuses a garbled code with the decoder’s sentence, creating nothing', async () => {
    const folder = path.join(tmp.path, 'garbled', 'folder');
    const data = path.join(tmp.path, 'garbled', 'data');
    const code = await hub.invite(newSpace());
    const cut = code.slice(0, code.length - 9);
    expectRefusal(
      await runCli(['init', '--folder', folder, '--join', cut, '--data', data]),
      'this invite code is damaged or cut short: copy it again, whole, from the message you were sent',
    );
    expectRefusal(
      await runCli(['init', '--folder', folder, '--join', 'hello', '--data', data]),
      'this is not a NetGuardian invite code (those start with "ng1-")',
    );
    expect(await exists(path.join(tmp.path, 'garbled'))).toBe(false);
  });

  it('refuses --hub, pointing to --join', async () => {
    const folder = path.join(tmp.path, 'oldway', 'folder');
    expectRefusal(
      await runCli(['init', '--folder', folder, '--hub', 'postgres://u:p@127.0.0.1/ng']),
      'init no longer takes --hub: a device joins a hub with an invite code (on the hub: netguardian hub invite --data DIR; here: netguardian init --folder FOLDER --join CODE)',
    );
    expect(await exists(path.join(tmp.path, 'oldway'))).toBe(false);
  });
});

describe('hub devices and remove-device', () => {
  it('lists the paired devices; a removed one can no longer sync and is told so', async () => {
    const space = newSpace();
    const dir = path.join(tmp.path, 'list');
    const phone = await addCliDevice(hub, space, 'phone', dir);
    const tablet = await addCliDevice(hub, space, 'tablet', dir);
    await cliOk(['sync', '--data', phone.data]);

    const listed = await cliOk(['hub', 'devices', '--data', hub.dataDir, '--space', space]);
    const lines = listed.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const line = (name: string) => lines.find((l) => l.includes(` ${name} `)) ?? '';
    // The phone synced a moment ago (a one-shot sync: not connected now); the tablet never did.
    expect(line('phone')).toMatch(
      new RegExp(`^${space} {2}phone {3}${phone.nodeId} {3}last seen (just now|1 minute ago)$`),
    );
    expect(line('tablet')).toBe(`${space}  tablet  ${tablet.nodeId}  never seen`);
    // (node ids are the name and 8 hex digits: the phone's is one shorter, padded)
    const json = JSON.parse(
      await cliOk(['hub', 'devices', '--data', hub.dataDir, '--space', space, '--json']),
    ) as { deviceName: string; nodeId: string; spaceId: string; revoked: boolean }[];
    expect(json.map((d) => [d.deviceName, d.nodeId, d.spaceId, d.revoked]).sort()).toEqual([
      ['phone', phone.nodeId, space, false],
      ['tablet', tablet.nodeId, space, false],
    ]);

    expect(
      await cliOk(['hub', 'remove-device', '--data', hub.dataDir, 'tablet', '--space', space]),
    ).toBe(
      `removed tablet (${tablet.nodeId}) from space ${space}: it can no longer sync with this hub\n`,
    );
    expectRefusal(
      await runCli(['sync', '--data', tablet.data]),
      'sync failed: this device is not (or no longer) paired with this hub: join it again with a new invite',
    );
    expect(
      (await cliOk(['hub', 'devices', '--data', hub.dataDir, '--space', space])).split('\n'),
    ).toContain(`${space}  tablet  ${tablet.nodeId}  revoked (never seen)`);
    // The other device goes on.
    expect(await cliOk(['sync', '--data', phone.data])).toBe(
      'synced: sent 0, received 0 changes\n',
    );

    expectRefusal(
      await runCli(['hub', 'remove-device', '--data', hub.dataDir, 'laptop-0', '--space', space]),
      `no paired device has the node id or name "laptop-0" in space ${space}`,
    );
  });

  it('says in one sentence when no hub runs with that data dir', async () => {
    const nowhere = path.join(tmp.path, 'no-hub');
    for (const args of [
      ['hub', 'invite', '--data', nowhere],
      ['hub', 'devices', '--data', nowhere],
      ['hub', 'remove-device', '--data', nowhere, 'phone'],
    ])
      expectRefusal(
        await runCli(args),
        'no hub is running with this data directory (start it with `netguardian hub start --data DIR`)',
      );
  });

  it('refuses an invite lifetime it cannot read or beyond 30 days', async () => {
    expectRefusal(
      await runCli(['hub', 'invite', '--data', hub.dataDir, '--expires', 'soon']),
      '--expires "soon" is not a duration: give minutes, hours or days (30m, 24h, 7d)',
    );
    expectRefusal(
      await runCli(['hub', 'invite', '--data', hub.dataDir, '--expires', '31d']),
      '--expires 31d must be from 1 minute to 30 days',
    );
  });
});

describe('join', () => {
  it('moves a local-only device to the hub: its files reach the other devices', async () => {
    const space = newSpace();
    const dir = path.join(tmp.path, 'move');
    const folder = path.join(dir, 'solo', 'folder');
    const data = path.join(dir, 'solo', 'data');
    const init = await cliOk([
      'init',
      '--folder',
      folder,
      '--name',
      'solo',
      '--space',
      space,
      '--data',
      data,
    ]);
    expect(init).toContain('no hub: the folder is tracked locally');
    const nodeId = /^initialized solo \((\S+)\)/.exec(init)?.[1];
    await writeFile(path.join(folder, 'diary.txt'), 'written before any hub\n');
    expect(await cliOk(['sync', '--data', data])).toBe(
      'scanned: 1 new, 0 changed, 0 deleted; no hub configured (or paused), nothing to sync\n',
    );

    // An invite to another space is refused: the folder's space does not change.
    const other = newSpace();
    expectRefusal(
      await runCli(['join', await hub.invite(other), '--data', data]),
      `this device syncs space ${space} and the invite joins space ${other}: ask the hub for an invite to space ${space} (netguardian hub invite --space ${space})`,
    );

    expect(await cliOk(['join', await hub.invite(space), '--data', data])).toBe(
      `joined the hub at ${hub.address} (from local only) in space ${space} as solo (${nodeId})\n` +
        'this device’s files go to the hub with the next sync (`netguardian sync`, or `start`)\n',
    );
    expect(await cliOk(['sync', '--data', data])).toBe('synced: sent 1, received 0 changes\n');
    const peer = await addCliDevice(hub, space, 'peer', dir);
    await cliOk(['sync', '--data', peer.data]);
    expect(await readFile(path.join(peer.folder, 'diary.txt'), 'utf8')).toBe(
      'written before any hub\n',
    );
    expect(await cliOk(['hub', 'devices', '--data', hub.dataDir, '--space', space])).toContain(
      `solo  ${nodeId}`,
    );
  });

  it('refuses a device that a daemon runs: stop the device first', async () => {
    const space = newSpace();
    const device = await addCliDevice(hub, space, 'busy', path.join(tmp.path, 'busy'));
    const daemon = await startDaemon(device.data);
    try {
      expectRefusal(
        await runCli(['join', await hub.invite(space), '--data', device.data]),
        'this device is running (`netguardian start`, `serve` or the app): stop the device first, then run `netguardian join` again',
      );
    } finally {
      await daemon.kill('SIGTERM');
    }
    // Its pairing is untouched: it still syncs with the hub.
    expect(await cliOk(['sync', '--data', device.data])).toMatch(/^synced: /);
  });
});
