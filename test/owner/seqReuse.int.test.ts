/**
 * Issue 11 point 5: a device never reuses a seq, as real processes. Device A syncs changes with
 * the hub; its store is backed up (data dir and cluster, copied while A is stopped); A makes and
 * syncs more changes (B receives them); then A's store is put back from the backup, so it lacks
 * its own last events, which the hub holds, the way a restored backup or a lost commit would
 * leave it. A file is edited in A's folder and A starts (`netguardian start`): it must not number
 * a new event with a seq the hub holds for another. Both devices end with identical folders, the
 * edit kept (as the file or a conflict copy), the hub holds no two events with one (origin, seq),
 * and A's events after the restore follow the hub's highest seq.
 *
 * Twice: with the hub up when A starts (A takes its events back before its first write), and with
 * the hub down then (A records the edit offline; the hub comes back while A runs).
 *
 * Nothing is random: `npx vitest run --project int test/owner/seqReuse.int.test.ts` replays it.
 */
import { createHash } from 'node:crypto';
import { stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceStatusView } from '../../src-shared/ipc/contract.js';
import { fileEntry, pollUntil } from '../folderSync/support/folderTree.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { backUpDevice, putBackDevice } from './support/deviceBackup.js';
import { initDevice } from './support/devices.js';
import { waitForSameTree } from './support/folders.js';
import { HubServer } from './support/hub.js';
import { netguardianOk, startDaemon, type Daemon } from './support/netguardian.js';
import {
  crossStoreProblems,
  dumpDeviceStore,
  dumpHubStore,
  leftoverTemps,
  storeProblems,
} from './support/storeChecks.js';

let tmp: TempDir;
let hub: HubServer;
const daemons: Daemon[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('ng-seqs-');
  hub = await HubServer.start(tmp.path);
});

afterAll(async () => {
  for (const d of daemons) await d.kill('SIGKILL').catch(() => undefined);
  await hub?.close();
  await tmp?.cleanup();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Duplicate (origin, seq) pairs on the hub: its unique index should make this empty. */
const SELECT_SEQ_TWICE = `SELECT node_id, seq::int AS seq, count(*)::int AS n FROM crdt_events
  WHERE space_id = $1 GROUP BY node_id, seq HAVING count(*) > 1`;

/** The restore-and-edit story, in its own space and folders; `hubDown`: A restarts offline. */
async function restoredDeviceEdits(spaceId: string, { hubDown }: { hubDown: boolean }) {
  const root = path.join(tmp.path, spaceId);
  const a = await initDevice({ root, hub, spaceId, name: 'laptop' });
  const b = await initDevice({ root, hub, spaceId, name: 'desktop' });
  const put = (p: string, text: string) => writeFile(path.join(a.folder, p), text);
  const sync = (dataDir: string) => netguardianOk(['sync', '--data', dataDir]);

  // 1. Three files, synced: A's seqs 1-3 on the hub.
  await put('report.txt', 'report, first draft\n');
  await put('budget.txt', 'budget: 100\n');
  await put('keep.txt', 'kept as it is\n');
  expect(await sync(a.dataDir)).toBe('synced: sent 3, received 0 changes\n');

  // 2. The backup, taken while no process runs A.
  const backup = await backUpDevice(a.dataDir, path.join(root, 'backup'));

  // 3. Later changes, synced (seqs 4-6), and received by B.
  await put('report.txt', 'report, second draft: lost with the store, kept by the hub\n');
  await unlink(path.join(a.folder, 'budget.txt'));
  await put('later.txt', 'created after the backup\n');
  expect(await sync(a.dataDir)).toBe('synced: sent 3, received 0 changes\n');
  expect(await sync(b.dataDir)).toBe('synced: sent 0, received 6 changes\n');
  const beforeRestore = await hub.read((store) => dumpHubStore(store, spaceId));
  const hubSeqs = new Map(
    beforeRestore.events.filter((e) => e.nodeId === a.nodeId).map((e) => [e.seq, e.eventId]),
  );
  expect([...hubSeqs.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);

  // 4. A's store goes back to the backup: it holds seqs 1-3 only. The folder stays as it is, and
  // the hub credential came back with the data dir (owner-only), so A still authenticates.
  await putBackDevice(backup);
  expect((await stat(path.join(a.dataDir, 'hub-credential'))).mode & 0o777).toBe(0o600);
  const restored = await dumpDeviceStore('A', a.dataDir, spaceId);
  expect(restored.events.filter((e) => e.nodeId === a.nodeId).map((e) => e.seq)).toEqual([1, 2, 3]);

  // 5. An edit in A's folder, then A starts (and B runs).
  const edit = 'report, third draft, written after the restore\n';
  await put('report.txt', edit);
  if (hubDown) await hub.stop();
  const daemonA = await startDaemon(a.dataDir);
  daemons.push(daemonA);
  if (hubDown) {
    // The edit is recorded offline (A's first scan), then the hub comes back.
    const status = JSON.parse(
      await netguardianOk(['status', '--json', '--data', a.dataDir]),
    ) as DeviceStatusView;
    expect(status.hub?.reachable).toBe(false);
    expect(status.hub?.pendingUpload).toBeGreaterThan(0);
    await hub.restart();
  }
  const daemonB = await startDaemon(b.dataDir);
  daemons.push(daemonB);

  // Converged, or why not: the stores are checked first either way, their seqs say why.
  const converged = await waitForSameTree([a.folder, b.folder], {
    what: 'A and B to hold the same tree after the restore',
  }).then(
    (tree) => ({ tree, error: undefined }),
    (e: unknown) => ({ tree: undefined, error: (e as Error).message }),
  );
  // Everything A holds reached the hub (a refused push would leave it pending).
  const drained = await pollUntil(
    'A to have nothing pending',
    async () => {
      const s = JSON.parse(
        await netguardianOk(['status', '--json', '--data', a.dataDir]),
      ) as DeviceStatusView;
      return s.hub?.pendingUpload === 0 ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  ).then(
    () => undefined,
    (e: unknown) => (e as Error).message,
  );
  for (const d of [daemonA, daemonB])
    expect(await d.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  const dumps = [
    await hub.read((store) => dumpHubStore(store, spaceId)),
    await dumpDeviceStore('A', a.dataDir, spaceId),
    await dumpDeviceStore('B', b.dataDir, spaceId),
  ];
  expect(crossStoreProblems(dumps, { equalSets: true })).toEqual([]);
  expect(dumps.flatMap(storeProblems)).toEqual([]);
  expect(await hub.read((store) => store.client.query(SELECT_SEQ_TWICE, [spaceId]))).toEqual([]);

  // The hub still holds A's seqs 1-6 as they were, and A's store holds those same events.
  const [hubNow, storeA] = dumps;
  const aEvents = (d: typeof hubNow) =>
    (d?.events ?? []).filter((e) => e.nodeId === a.nodeId).sort((x, y) => x.seq - y.seq);
  for (const [seq, eventId] of hubSeqs) {
    expect(aEvents(hubNow).find((e) => e.seq === seq)?.eventId).toBe(eventId);
    expect(aEvents(storeA).find((e) => e.seq === seq)?.eventId).toBe(eventId);
  }
  // What A wrote after the restore follows the hub's highest seq (7, 8, …), the edit among it.
  const after = aEvents(hubNow).filter((e) => !hubSeqs.has(e.seq));
  expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => 7 + i));
  const editEvent = after.find((e) => e.data.content?.hash === sha256(edit));
  expect(editEvent?.entityId).toBe('report.txt');

  expect(converged.error).toBeUndefined();
  expect(drained).toBeUndefined();
  const tree = converged.tree ?? {};
  // The edit is kept, at its path or as a conflict copy beside it, and nothing else changed.
  const editAt = Object.keys(tree).filter((p) => tree[p] === fileEntry(edit));
  console.log(`${spaceId}: the edit is at ${editAt.join(', ')}; ${Object.keys(tree).join(', ')}`);
  expect(editAt.length, JSON.stringify(tree)).toBe(1);
  expect(editAt[0]).toMatch(/^report(\.conflict-[^/]+)?\.txt$/);
  expect(tree['keep.txt']).toBe(fileEntry('kept as it is\n'));
  expect(tree['later.txt']).toBe(fileEntry('created after the backup\n'));
  expect(tree['budget.txt']).toBeUndefined();
  expect(await leftoverTemps(a.folder)).toEqual([]);
}

describe('seq numbers are never reused', () => {
  it('a restored device takes its events back from the hub before writing again', async () => {
    await restoredDeviceEdits('seqs-online', { hubDown: false });
  });

  it('a restored device that starts with its hub down does not reuse a seq either', async () => {
    await restoredDeviceEdits('seqs-offline', { hubDown: true });
  });
});
