/**
 * Issue 12 point 7, attack 2: a peer's `.netguardianignore` took over the repository. As real
 * processes: a hub (`netguardian hub start`) and the victim's device, paired with it (`hub
 * invite`, `init --join`) and run by `netguardian sync`, whose folder is a git working tree with the user's own ignore rules. A
 * hostile peer of the same space (`hostilePeer.ts`: what an earlier or modified version records)
 * publishes a `.netguardianignore` saying `!.git/` and an executable `.git/hooks/pre-commit`.
 * Earlier, the ignore file was synced, its `!.git/` lifted the built-in `.git/` rule, and the
 * next sync wrote the hook, which ran on the next commit. Now the ignore file is each device's
 * own (never recorded, never written from a peer), no rule un-ignores a built-in, and nothing is
 * written under `.git/` from a peer whatever the rules say.
 */
import { execFileSync } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { initDevice, type DeviceDirs } from '../owner/support/devices.js';
import { HubServer } from '../owner/support/hub.js';
import { netguardianOk } from '../owner/support/netguardian.js';
import { openHostilePeer, pairHostilePeer, type HostilePeer } from './support/hostilePeer.js';

const SPACE = 'repo';
const OWN_RULES = '*.log\n';

let tmp: TempDir;
let hub: HubServer;
let victim: DeviceDirs;
let mallory: HostilePeer;
/** Where the planted hook would leave its trace. */
let ranMarker: string;

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Victim', '-c', 'user.email=victim@example.com', ...args], {
    cwd: victim.folder,
    stdio: 'pipe',
  });
/** The hub's events for `entityId` that `nodeId` recorded. */
const eventsOf = (nodeId: string, entityId: string) =>
  hub.read(async (store) =>
    (await store.readAboveFrontier(SPACE, {}, 10_000)).filter(
      (e) => e.node_id === nodeId && e.entity_id === entityId,
    ),
  );

beforeAll(async () => {
  tmp = await makeTempDir('ng-peer-git-');
  hub = await HubServer.start(tmp.path);
  victim = await initDevice({ root: tmp.path, hub, spaceId: SPACE, name: 'victim' });
  git('init', '-q');
  await writeFile(path.join(victim.folder, 'notes.txt'), 'my notes\n');
  await writeFile(path.join(victim.folder, '.netguardianignore'), OWN_RULES);
  await netguardianOk(['sync', '--data', victim.dataDir]);
  const nodeId = 'mallory-0001';
  mallory = await openHostilePeer({
    hubService: await pairHostilePeer(await hub.invite(SPACE), { nodeId, deviceName: 'mallory' }),
    spaceId: SPACE,
    nodeId,
  });
  ranMarker = path.join(tmp.path, 'hook-ran');
});

afterAll(async () => {
  await mallory?.close();
  await hub?.close();
  await tmp?.cleanup();
});

describe("a peer's .netguardianignore and .git files", () => {
  it('plant no git hook: the ignore file stays local, .git/ is never written from a peer', async () => {
    await mallory.publish({
      '.netguardianignore': { kind: 'file', text: '!.git/\n!.git/**\n' },
      '.git': { kind: 'dir' },
      '.git/hooks': { kind: 'dir' },
      '.git/hooks/pre-commit': {
        kind: 'file',
        text: `#!/bin/sh\necho ran > '${ranMarker}'\n`,
        exec: true,
      },
    });

    // The first sync takes the peer's files in; the second (a scan, then what reconcile
    // repairs) is where the earlier version, now reading `!.git/`, wrote the hook.
    await netguardianOk(['sync', '--data', victim.dataDir]);
    await netguardianOk(['sync', '--data', victim.dataDir]);

    expect(await readFile(path.join(victim.folder, '.netguardianignore'), 'utf8')).toBe(OWN_RULES);
    expect(await exists(path.join(victim.folder, '.git', 'hooks', 'pre-commit'))).toBe(false);
    git('add', 'notes.txt');
    git('commit', '-q', '-m', 'notes');
    expect(await exists(ranMarker)).toBe(false);
    // The victim's own rules never left the device.
    expect(await eventsOf(victim.nodeId, '.netguardianignore')).toEqual([]);
  });

  it('leave every device its own .netguardianignore when a peer deletes the one it synced', async () => {
    await mallory.publish({ '.netguardianignore': { kind: 'deleted' } });

    await netguardianOk(['sync', '--data', victim.dataDir]);

    expect(await readFile(path.join(victim.folder, '.netguardianignore'), 'utf8')).toBe(OWN_RULES);
    expect(await eventsOf(victim.nodeId, '.netguardianignore')).toEqual([]);
  });
});
