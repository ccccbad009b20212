import { randomBytes } from 'node:crypto';
import {
  appendFile,
  mkdir,
  open,
  readFile,
  rename,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../../src-shared/ipc/contract.js';
import { openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { TestHub } from '../../../test/folderSync/support/testHub.js';
import { findFreeLoopbackPort } from '../freePort.js';

/**
 * Issue 12 point 6, "a status that tells the truth", on real devices: two AppServices syncing
 * through a real hub service, and one whose hub never answers. Each condition is produced for
 * real (files copied in, a scan hashing, contents uploaded, files received, a chunk the hub
 * serves corrupted, a restore, the folder moved away) and checked on the state the service
 * pushes to the UI, whose headline the tray and `netguardian status` show as well.
 */

let hub: TestHub;
let alpha: AppHarness;
let beta: AppHarness;
let lonely: AppHarness;
let outside: TempDir;
let space: string;

const MB = 1024 * 1024;

beforeAll(async () => {
  hub = await TestHub.create('ng_app_state');
  space = hub.newSpaceId('state');
  const pair = hub.pair.bind(hub);
  alpha = await openAppHarness({ name: 'alpha', spaceId: space, pair });
  // Beta receives nothing until a test resumes it.
  beta = await openAppHarness({ name: 'beta', spaceId: space, pair, paused: true });
  // Paired once with a hub that is gone: nothing listens at its address, so this device is
  // offline from its first sync on.
  const closed = await findFreeLoopbackPort();
  lonely = await openAppHarness({
    name: 'lonely',
    pair: () =>
      Promise.resolve({
        address: `127.0.0.1:${closed}`,
        fingerprint: hub.endpoint.fingerprint,
        credential: 'a-credential-from-a-hub-long-gone',
      }),
  });
  outside = await makeTempDir('ng-app-state-');
});
afterAll(async () => {
  await alpha?.close();
  await beta?.close();
  await lonely?.close();
  await hub?.close();
  await outside?.cleanup();
});

/** A file's history as the UI lists it; none while it is not recorded yet. */
const historyOf = (h: AppHarness, file: string) =>
  h.service['history:get']({ path: file }).catch(() => []);

/** The states `h` pushed, from push number `from` on. */
const pushedStates = (h: AppHarness, from = 0): AppState[] =>
  h.pushes.slice(from).flatMap((m) => (m.channel === 'state' ? [m.payload] : []));

/** The first state pushed from push number `from` on for which `test` holds (waits for it). */
async function pushed(
  h: AppHarness,
  what: string,
  test: (s: AppState) => boolean,
  from = 0,
): Promise<AppState> {
  let found: AppState | undefined;
  await h.until(() => (found = pushedStates(h, from).find(test)) !== undefined, what);
  return found as AppState;
}

const latest = (h: AppHarness): AppState | undefined => pushedStates(h).at(-1);

/** Waits until the device's latest pushed state is Synced with nothing pending. */
const synced = (h: AppHarness, what: string) =>
  h.until(() => {
    const s = latest(h);
    return s?.phase === 'synced' && s.pending.upload === 0 && s.pending.download === 0;
  }, what);

const summary = (s: AppState) => ({ phase: s.phase, headline: s.headline, detail: s.detail });

const SYNCED = { phase: 'synced', headline: 'Synced', detail: 'All files are up to date.' };

describe('the state the UI receives', () => {
  it('changes recorded while paused are counted, and Synced waits until they are pushed', async () => {
    await synced(alpha, 'alpha synced at first');
    await alpha.service['sync:pause']({ paused: true });
    const mark = alpha.pushes.length;
    await writeFile(path.join(alpha.folder, 'one.txt'), 'one');
    await writeFile(path.join(alpha.folder, 'two.txt'), 'two');
    const waiting = await pushed(alpha, 'two changes counted', (s) => s.pending.upload === 2, mark);
    expect(summary(waiting)).toEqual({
      phase: 'paused',
      headline: 'Paused',
      detail: '2 changes wait on this device until you resume.',
    });
    await alpha.service['sync:pause']({ paused: false });
    await synced(alpha, 'alpha pushed both');
    expect(summary(latest(alpha) as AppState)).toEqual(SYNCED);
  });

  it('right after a restore, the restored version is counted as waiting to upload', async () => {
    const file = path.join(alpha.folder, 'story.txt');
    await writeFile(file, 'version one');
    await alpha.until(
      async () => (await historyOf(alpha, 'story.txt')).length === 1,
      'first version recorded',
    );
    await synced(alpha, 'story.txt v1 pushed');
    await writeFile(file, 'version two!');
    await alpha.until(
      async () => (await historyOf(alpha, 'story.txt')).length === 2,
      'second version recorded',
    );
    await synced(alpha, 'story.txt v2 pushed');
    const older = (await alpha.service['history:get']({ path: 'story.txt' }))[1]?.eventId;
    const pausing = alpha.pushes.length;
    await alpha.service['sync:pause']({ paused: true });
    await pushed(
      alpha,
      'paused, nothing waiting',
      (s) => s.paused && s.pending.upload === 0,
      pausing,
    );

    expect(
      await alpha.service['history:restore']({ path: 'story.txt', eventId: older as string }),
    ).toEqual({ restored: true });
    const answered = alpha.pushes.length;
    expect(await readFile(file, 'utf8')).toBe('version one');
    // The first state pushed after the answer already counts it (no stale "nothing waits").
    const after = await pushed(alpha, 'a state after the restore', () => true, answered);
    expect(after.pending.upload).toBe(1);
    expect(summary(after)).toEqual({
      phase: 'paused',
      headline: 'Paused',
      detail: '1 change waits on this device until you resume.',
    });

    await alpha.service['sync:pause']({ paused: false });
    await synced(alpha, 'the restore pushed');
  });

  it('a file being copied in is noticed before it is recorded', async () => {
    const drop = path.join(alpha.folder, 'drop.bin');
    const mark = alpha.pushes.length;
    const noticed = (s: AppState) => s.headline === 'Noticed 1 change';
    // A 40 MB copy, 1 MB at a time, as a file manager writes it.
    for (let i = 0; i < 40; i++) await appendFile(drop, randomBytes(MB));
    const seen = await pushed(alpha, 'the copy noticed', noticed, mark);
    expect(summary(seen)).toEqual({
      phase: 'scanning',
      headline: 'Noticed 1 change',
      detail:
        'Recording them once the files stop changing (a copy or a save may still be under way).',
    });
    expect(seen.pending.noticed).toBe(1);
    await alpha.until(
      async () => (await historyOf(alpha, 'drop.bin'))[0]?.size === 40 * MB,
      'the whole 40 MB recorded',
    );
    await synced(alpha, 'the copy pushed');
    expect(latest(alpha)?.pending.noticed).toBe(0);
  });

  it('a scan running says so', async () => {
    const mark = alpha.pushes.length;
    // 64 MB of zeros without writing them (sparse): hashing them takes a while.
    const handle = await open(path.join(alpha.folder, 'sparse.img'), 'w');
    await handle.truncate(64 * MB);
    await handle.close();
    const scanning = await pushed(
      alpha,
      'the scan shown',
      (s) => s.headline === 'Looking for changes',
      mark,
    );
    expect(scanning.phase).toBe('scanning');
    // How far it got when the state was pushed varies; the words do not.
    expect(scanning.detail).toMatch(
      /^(\d+ files? looked at so far|Checking [01] of 1 changed file)\.$/,
    );
    await synced(alpha, 'sparse.img recorded and pushed');
  });

  it('file contents being uploaded say how many and how much', async () => {
    const mark = alpha.pushes.length;
    // Written outside, then moved in at once: recorded whole, then its 24 MB uploaded.
    const staged = path.join(outside.path, 'upload.bin');
    await writeFile(staged, randomBytes(24 * MB));
    await rename(staged, path.join(alpha.folder, 'upload.bin'));
    const uploading = await pushed(
      alpha,
      'the upload shown',
      (s) => s.headline.startsWith('Uploading'),
      mark,
    );
    expect(summary(uploading)).toEqual({
      phase: 'syncing',
      headline: 'Uploading 1 file (24 MB)',
      detail: 'Sending their contents to the hub.',
    });
    await synced(alpha, 'upload.bin pushed');
  });

  it('an import running says so', async () => {
    const source = path.join(outside.path, 'imported.bin');
    await writeFile(source, randomBytes(24 * MB));
    const mark = alpha.pushes.length;
    await alpha.service['files:import']({ paths: [source], targetDir: 'imports' });
    const importing = await pushed(
      alpha,
      'the import shown',
      (s) => s.headline.startsWith('Importing'),
      mark,
    );
    expect(importing.phase).toBe('syncing');
    // Before the first file is counted, or with the count: how far it got when pushed varies.
    expect(['Importing files…', 'Importing 0 of 1 file', 'Importing 1 of 1 file']).toContain(
      importing.headline,
    );
    expect(importing.detail).toBe(
      'Copying them into the folder; each is recorded once it is there.',
    );
    await synced(alpha, 'the import pushed');
  });

  it('files being written into the folder say so, then Synced once all are there', async () => {
    const mark = beta.pushes.length;
    await beta.service['sync:pause']({ paused: false });
    const receiving = await pushed(
      beta,
      'files received',
      (s) => s.headline.startsWith('Receiving'),
      mark,
    );
    expect(receiving.phase).toBe('syncing');
    expect(receiving.headline).toMatch(/^Receiving [1-9]\d* files?$/);
    expect(receiving.detail).toBe('Writing them into the folder.');
    await synced(beta, 'beta has everything');
    expect(await readFile(path.join(beta.folder, 'story.txt'), 'utf8')).toBe('version one');
    expect(summary(latest(beta) as AppState)).toEqual(SYNCED);
  });

  it('a file the folder does not hold yet keeps it from Synced (its content failed to arrive)', async () => {
    await beta.service['sync:pause']({ paused: true });
    const chunksNow = () =>
      hub.database.query<{ hash: string; data: Buffer }>(
        'SELECT hash, data FROM crdt_chunks WHERE space_id = $1',
        [space],
      );
    const before = new Set((await chunksNow()).map((c) => c.hash));
    await writeFile(path.join(alpha.folder, 'photo.bin'), randomBytes(64 * 1024));
    await alpha.until(
      async () => (await historyOf(alpha, 'photo.bin')).length === 1,
      'photo.bin recorded',
    );
    let added: { hash: string; data: Buffer }[] = [];
    await alpha.until(async () => {
      added = (await chunksNow()).filter((c) => !before.has(c.hash));
      return added.length > 0;
    }, 'photo.bin’s content on the hub');
    await synced(alpha, 'photo.bin pushed');
    for (const chunk of added) await hub.corruptChunk(space, chunk.hash);

    const mark = beta.pushes.length;
    await beta.service['sync:pause']({ paused: false });
    const waiting = await pushed(
      beta,
      'the missing file counted',
      (s) => s.pending.download === 1 && s.headline === 'Syncing 1 change',
      mark,
    );
    expect(summary(waiting)).toEqual({
      phase: 'syncing',
      headline: 'Syncing 1 change',
      detail: '1 file to receive.',
    });
    await expect(readFile(path.join(beta.folder, 'photo.bin'))).rejects.toMatchObject({
      code: 'ENOENT',
    });

    for (const chunk of added) await hub.repairChunk(space, chunk.hash, new Uint8Array(chunk.data));
    await beta.service['sync:now']({});
    await synced(beta, 'photo.bin written once its content arrived');
    expect(summary(latest(beta) as AppState)).toEqual(SYNCED);
  });

  it('a file that can’t sync keeps the state from Synced until it is gone', async () => {
    await synced(alpha, 'alpha settled');
    const mark = alpha.pushes.length;
    await symlink('story.txt', path.join(alpha.folder, 'link-to-story'));
    const listed = await pushed(alpha, 'the link listed', (s) => s.unsyncable === 1, mark);
    expect(summary(listed)).toEqual({
      phase: 'unsyncable',
      headline: "1 file can't sync",
      detail: 'Each is listed with what is wrong; everything else syncs.',
    });
    const gone = alpha.pushes.length;
    await unlink(path.join(alpha.folder, 'link-to-story'));
    await pushed(alpha, 'the link gone from the list', (s) => s.unsyncable === 0, gone);
    await synced(alpha, 'alpha synced without it');
  });

  it('offline: changes are kept and counted', async () => {
    await pushed(lonely, 'offline from the start', (s) => s.phase === 'offline');
    const mark = lonely.pushes.length;
    await writeFile(path.join(lonely.folder, 'kept.txt'), 'kept here');
    const kept = await pushed(lonely, 'the change counted', (s) => s.pending.upload === 1, mark);
    expect(summary(kept)).toEqual({
      phase: 'offline',
      headline: 'Offline — changes are kept and sent when the hub is back',
      detail: '1 change waits on this device.',
    });
  });

  it('the folder missing, then back', async () => {
    const away = `${lonely.folder}-away`;
    await rename(lonely.folder, away);
    const missing = await pushed(lonely, 'the folder missed', (s) => s.phase === 'folder-missing');
    expect(summary(missing)).toEqual({
      phase: 'folder-missing',
      headline: 'Folder missing — nothing is recorded or written until it is back',
      detail: `${lonely.folder} is not there (moved, deleted, or a drive not mounted?). Syncing resumes by itself once it is back at that path.`,
    });
    const mark = lonely.pushes.length;
    await rename(away, lonely.folder);
    await pushed(lonely, 'the folder back', (s) => s.phase === 'offline', mark);
  });

  it('never pushed "Synced" while anything waited, ran or failed (every state of this file)', () => {
    for (const h of [alpha, beta, lonely]) {
      const wrong = pushedStates(h).filter(
        (s) =>
          s.phase === 'synced' &&
          (s.pending.upload > 0 ||
            s.pending.download > 0 ||
            s.pending.noticed > 0 ||
            s.unsyncable > 0 ||
            s.progress.scan !== null ||
            s.progress.upload !== null ||
            s.progress.download !== null ||
            s.lastError !== null ||
            s.paused ||
            s.hub?.connected === false),
      );
      expect(wrong).toEqual([]);
    }
  });
});

describe('a device no daemon runs (a CLI command opened it)', () => {
  it('answers device:status never "starting", and never "Synced": nobody watches the folder', async () => {
    const dir = await makeTempDir('ng-app-state-oneshot-');
    const once = await openAppHarness({ name: 'once', start: false, dir });
    try {
      await mkdir(path.join(once.folder, 'docs'));
      await once.service['sync:run']({});
      const status = await once.service['device:status']({});
      expect(status.running).toBe(false);
      expect(status.state).toEqual({
        phase: 'stopped',
        headline: 'Not running — the folder is not watched',
        detail:
          'Changes made in the folder since the last scan are found and synced when `netguardian start` (or `netguardian sync`) runs.',
      });
    } finally {
      await once.close();
      await dir.cleanup();
    }
  });
});
