import { createHash, randomUUID } from 'node:crypto';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conflictCopyPath } from '../../src-shared/conflictNames.js';
import type { FileVersion, FileView } from '../../src-shared/crdt/fileEntity.js';
import { compareHlc, parseHlc } from '../../src-shared/crdt/hlc.js';
import type { ContentRef } from '../../src-shared/events/event.js';
import { FC_SEED } from '../../test/support/fastCheck.js';
import { makeTempDir, type TempDir } from '../../test/support/tempDir.js';
import { CRDTManager, type IngestReport, type KeepChoice } from './crdtManager.js';
import type { EventRow } from './store/eventRows.js';
import { EventStore } from './store/eventStore.js';
import { openPgliteClient } from './store/pgliteClient.js';

/**
 * CRDTManager on real PGlite stores: the seed's calls, two or three devices
 * exchanging rows the way sync does (readAboveFrontier → syncFromRemote),
 * conflicts and their resolution, clocks ahead, malformed peer rows, rebuild
 * from the log, and a restart on a persisted store. Each test uses its own
 * space on the shared stores, so tests do not see each other.
 */

const BASE_MS = Date.UTC(2026, 2, 1, 9, 0, 0);
const MINUTE = 60_000;

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const body = (text: string): ContentRef => ({ hash: sha(text), size: text.length });

interface Device {
  readonly manager: CRDTManager;
  readonly store: EventStore;
  /** The device's physical clock, moved by the test. */
  readonly clock: { ms: number };
}

const stores: EventStore[] = [];
let root: TempDir | undefined;
/** A migrated, empty store's data directory: copying it is much cheaper than a new PGlite (initdb). */
let template = '';

/** A new PGlite store, persisted in a copy of the template directory. */
async function openStoreCopy(name: string): Promise<{ store: EventStore; dir: string }> {
  const dir = join((root as TempDir).path, name);
  await cp(template, dir, { recursive: true });
  return { store: await EventStore.open(await openPgliteClient(dir)), dir };
}

beforeAll(async () => {
  root = await makeTempDir('netguardian-crdt-');
  template = join(root.path, 'template');
  await (await EventStore.open(await openPgliteClient(template))).close();
  for (const i of [0, 1, 2]) stores.push((await openStoreCopy(`device-${i}`)).store);
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await root?.cleanup();
});

const newSpace = () => `sp-${randomUUID().slice(0, 8)}`;

/** Opens devices a, b (and c) on their own stores, in a new space, clocks at `skews` from BASE_MS. */
async function openDevices(count: number, skews: readonly number[] = []): Promise<Device[]> {
  const spaceId = newSpace();
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const clock = { ms: BASE_MS + (skews[i] ?? 0) };
      const store = stores[i] as EventStore;
      const manager = await CRDTManager.open({
        store,
        spaceId,
        nodeId: `dev-${'abc'[i]}`,
        now: () => clock.ms,
      });
      return { manager, store, clock };
    }),
  );
}

/** What sync does: the rows `to` lacks, read from `from`'s store, taken in by `to`. */
async function deliver(from: Device, to: Device): Promise<IngestReport> {
  const space = to.manager.spaceId;
  const rows = await from.store.readAboveFrontier(
    space,
    await to.store.getFrontier(space),
    100_000,
  );
  return to.manager.syncFromRemote(rows, `peer-${from.manager.nodeId}`);
}

async function exchange(devices: readonly Device[]): Promise<void> {
  // Twice around, so everything reaches everyone.
  for (let round = 0; round < 2; round++) {
    for (const from of devices) for (const to of devices) if (from !== to) await deliver(from, to);
  }
}

async function view(d: Device, path: string): Promise<FileView | undefined> {
  return d.manager.getFileState(path);
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

async function allViews(d: Device): Promise<Map<string, FileView>> {
  const snapshots = await d.store.listSnapshots(d.manager.spaceId, { limit: 100_000 });
  return new Map(snapshots.map((e) => [e.entityId, e.get()]));
}

/** A and B both change `path` (created by A, known to B): A at +1 s, B at +2 s, so B's version wins by HLC. */
async function makeConflict(a: Device, b: Device, path: string): Promise<void> {
  unwrap(await a.manager.createFileState(path, { content: body(`${path}:base`) }));
  await deliver(a, b);
  a.clock.ms += 1_000;
  b.clock.ms += 2_000;
  unwrap(await a.manager.updateFileState(path, { content: body(`${path}:mine`) }));
  unwrap(await b.manager.updateFileState(path, { content: body(`${path}:theirs`) }));
  await exchange([a, b]);
}

describe('CRDTManager: the seed calls', () => {
  it('creates, updates, reads and deletes a file, with errors as values', async () => {
    const [a] = (await openDevices(1)) as [Device];
    const m = a.manager;
    const created = unwrap(
      await m.createFileState('docs/report.txt', { content: body('v1'), fields: { mode: 420 } }),
    );
    expect(created).toMatchObject({
      entityId: 'docs/report.txt',
      exists: true,
      content: body('v1'),
    });
    expect(created.fields).toEqual({ mode: 420 });
    expect(await m.getFileState('docs/report.txt')).toEqual(created);
    // Local paths lose a leading "./"; a backslash is part of a name (Linux holds `a\\b`).
    expect(await m.getFileState('./docs/report.txt')).toEqual(created);
    expect(await m.getFileState('docs\\report.txt')).toBeUndefined();

    const again = await m.createFileState('docs/report.txt', { content: body('v2') });
    expect(again.ok ? 'ok' : again.error.code).toBe('InvalidArgument');
    const noContent = await m.createFileState('empty.txt', {});
    expect(noContent.ok ? 'ok' : noContent.error.code).toBe('InvalidArgument');

    const updated = unwrap(
      await m.updateFileState('docs/report.txt', { content: body('v2'), fields: { mtime: 7 } }),
    );
    expect(updated.content).toEqual(body('v2'));
    expect(updated.fields).toEqual({ mode: 420, mtime: 7 });
    const metaOnly = unwrap(await m.updateFileState('docs/report.txt', { fields: { mode: 384 } }));
    expect(metaOnly.content).toEqual(body('v2'));
    expect(metaOnly.fields).toEqual({ mode: 384, mtime: 7 });

    for (const r of [
      await m.updateFileState('missing.txt', { content: body('x') }),
      await m.deleteFileState('missing.txt'),
    ]) {
      expect(r.ok ? 'ok' : r.error.code).toBe('NotFound');
    }
    expect(await m.getFileState('missing.txt')).toBeUndefined();

    const deleted = unwrap(await m.deleteFileState('docs/report.txt'));
    expect(deleted.exists).toBe(false);
    expect(deleted.content).toBeNull();
    for (const r of [
      await m.deleteFileState('docs/report.txt'),
      await m.updateFileState('docs/report.txt', { content: body('v3') }),
    ]) {
      expect(r.ok ? 'ok' : r.error.code).toBe('NotFound');
    }
    // Re-created after a delete.
    const recreated = unwrap(await m.createFileState('docs/report.txt', { content: body('v3') }));
    expect(recreated).toMatchObject({ exists: true, content: body('v3') });
    // Every accepted call is one event, seqs 1..n without gaps.
    const events = await a.store.eventsForEntity(m.spaceId, 'docs/report.txt');
    expect(events.map((e) => [e.kind, e.seq])).toEqual([
      ['FileCreated', 1],
      ['FileUpdated', 2],
      ['FileUpdated', 3],
      ['FileDeleted', 4],
      ['FileCreated', 5],
    ]);
    expect(await a.store.getFrontier(m.spaceId)).toEqual({ 'dev-a': 5 });
  });

  it('refuses hostile paths with InvalidPath and writes nothing', async () => {
    const [a] = (await openDevices(1)) as [Device];
    const m = a.manager;
    unwrap(await m.createFileState('ok.txt', { content: body('ok') }));
    const hostile = [
      '../x',
      '../../etc/passwd',
      'a/../../x',
      '/etc/passwd',
      'a\u0000b',
      'lone\ud800',
      '',
      'a//b',
      'dir/.',
      `${'x'.repeat(256)}.txt`,
    ];
    for (const path of hostile) {
      for (const r of [
        await m.createFileState(path, { content: body('evil') }),
        await m.updateFileState(path, { content: body('evil') }),
        await m.deleteFileState(path),
      ]) {
        expect(r.ok ? 'ok' : r.error.code, JSON.stringify(path)).toBe('InvalidPath');
      }
      expect(await m.getFileState(path)).toBeUndefined();
    }
    expect(await a.store.countEvents(m.spaceId)).toBe(1);
    expect((await allViews(a)).size).toBe(1);
    // No seq was spent on a refused write.
    unwrap(await m.createFileState('next.txt', { content: body('next') }));
    expect(await a.store.getFrontier(m.spaceId)).toEqual({ 'dev-a': 2 });
  });
});

describe('CRDTManager: merging two devices', () => {
  it('picks the same LWW winner on both devices and keeps the loser in conflicts', async () => {
    const [a, b] = (await openDevices(2)) as [Device, Device];
    await makeConflict(a, b, 'doc.txt');
    const [va, vb] = [await view(a, 'doc.txt'), await view(b, 'doc.txt')];
    expect(va).toEqual(vb);
    expect(va?.content).toEqual(body('doc.txt:theirs'));
    expect(va?.winner?.nodeId).toBe('dev-b');
    expect(va?.conflicts.map((c) => [c.nodeId, c.value])).toEqual([
      ['dev-a', body('doc.txt:mine')],
    ]);
    expect((await a.manager.listConflicts()).map((v) => v.entityId)).toEqual(['doc.txt']);
    expect((await b.manager.listConflicts()).map((v) => v.entityId)).toEqual(['doc.txt']);

    // Same wall time on both: the HLC ties on time and counter, and the node id decides.
    a.clock.ms = b.clock.ms = BASE_MS + 10 * MINUTE;
    unwrap(await a.manager.createFileState('tie.txt', { content: body('tie:base') }));
    await deliver(a, b);
    a.clock.ms = b.clock.ms = BASE_MS + 11 * MINUTE;
    unwrap(await a.manager.updateFileState('tie.txt', { content: body('tie:a') }));
    unwrap(await b.manager.updateFileState('tie.txt', { content: body('tie:b') }));
    await exchange([a, b]);
    const [ta, tb] = [await view(a, 'tie.txt'), await view(b, 'tie.txt')];
    expect(ta).toEqual(tb);
    expect(parseHlc(ta?.winner?.hlc ?? '').wallMs).toBe(
      parseHlc(ta?.conflicts[0]?.hlc ?? '').wallMs,
    );
    expect(ta?.content).toEqual(body('tie:b'));
  });

  it('lets a modify beat a concurrent delete, whatever the clocks say', async () => {
    const [a, b] = (await openDevices(2)) as [Device, Device];
    unwrap(await a.manager.createFileState('keep.txt', { content: body('base') }));
    await deliver(a, b);
    b.clock.ms += 1_000;
    a.clock.ms += 60_000; // the delete is much later
    unwrap(await b.manager.updateFileState('keep.txt', { content: body('edited') }));
    unwrap(await a.manager.deleteFileState('keep.txt'));
    await exchange([a, b]);
    const [va, vb] = [await view(a, 'keep.txt'), await view(b, 'keep.txt')];
    expect(va).toEqual(vb);
    expect(va?.exists).toBe(true);
    expect(va?.content).toEqual(body('edited'));
    expect(va?.conflicts).toEqual([]);
    expect(va?.lostDeletes.map((d) => d.nodeId)).toEqual(['dev-a']);
  });

  it('merges metadata per field, last writer wins per field', async () => {
    const [a, b] = (await openDevices(2)) as [Device, Device];
    unwrap(
      await a.manager.createFileState('meta.txt', { content: body('m'), fields: { mode: 420 } }),
    );
    await deliver(a, b);
    a.clock.ms += 1_000;
    b.clock.ms += 2_000;
    unwrap(await a.manager.updateFileState('meta.txt', { fields: { mode: 493, tag: 'from-a' } }));
    unwrap(await b.manager.updateFileState('meta.txt', { fields: { mode: 384, owner: 'from-b' } }));
    a.clock.ms += 5_000;
    unwrap(await a.manager.updateFileState('meta.txt', { fields: { owner: 'a-later' } }));
    await exchange([a, b]);
    const [va, vb] = [await view(a, 'meta.txt'), await view(b, 'meta.txt')];
    expect(va).toEqual(vb);
    expect(va?.fields).toEqual({ mode: 384, tag: 'from-a', owner: 'a-later' });
    // Metadata-only writes are not content versions: no conflict.
    expect(va?.conflicts).toEqual([]);
    expect(va?.content).toEqual(body('m'));
  });

  const choices: {
    name: string;
    keep: (loserId: string) => KeepChoice | { eventId: string };
    wins: string;
  }[] = [
    { name: 'mine', keep: () => 'mine', wins: 'mine' },
    { name: 'theirs', keep: () => 'theirs', wins: 'theirs' },
    { name: 'both', keep: () => 'both', wins: 'theirs' },
    { name: '{ eventId }', keep: (loserId) => ({ eventId: loserId }), wins: 'mine' },
  ];
  for (const choice of choices) {
    it(`resolves a conflict with ${choice.name} and converges on both devices`, async () => {
      const [a, b] = (await openDevices(2)) as [Device, Device];
      const path = 'dir/plan.md';
      await makeConflict(a, b, path);
      const before = (await view(a, path)) as FileView;
      const loser = before.conflicts[0];
      expect(loser?.nodeId).toBe('dev-a');
      a.clock.ms += 1_000;
      const resolved = unwrap(await a.manager.resolveConflict(path, choice.keep(loser?.id ?? '')));
      expect(resolved.conflicts).toEqual([]);
      expect(resolved.content).toEqual(body(`${path}:${choice.wins}`));
      await exchange([a, b]);
      const [va, vb] = [await view(a, path), await view(b, path)];
      expect(va).toEqual(vb);
      expect(va?.content).toEqual(body(`${path}:${choice.wins}`));
      expect(va?.conflicts).toEqual([]);
      expect(await b.manager.listConflicts()).toEqual([]);
      if (choice.name === 'both') {
        const copyPath = conflictCopyPath(path, loser as FileVersion);
        expect(copyPath).toMatch(/^dir\/plan\.conflict-dev-a-\d{8}-\d{6}-[0-9a-f]{8}\.md$/);
        for (const d of [a, b]) {
          const copy = await view(d, copyPath);
          expect(copy?.exists).toBe(true);
          expect(copy?.content?.hash).toBe(body(`${path}:mine`).hash);
        }
      }
      const again = await b.manager.resolveConflict(path, 'mine');
      expect(again.ok ? 'ok' : again.error.code).toBe('NoConflict');
    });
  }

  it("keeping one version discards the other's conflict copy (unless the copy was edited)", async () => {
    const [a, b] = (await openDevices(2)) as [Device, Device];
    const path = 'dir/notes.md';
    await makeConflict(a, b, path);
    const loser = (await view(a, path))?.conflicts[0] as FileVersion;
    // What the materializer does on every device: the losing version appears as a copy file.
    const copyPath = conflictCopyPath(path, loser);
    unwrap(await a.manager.createFileState(copyPath, { content: loser.value as ContentRef }));
    await exchange([a, b]);
    a.clock.ms += 1_000;
    unwrap(await a.manager.resolveConflict(path, 'theirs'));
    await exchange([a, b]);
    for (const d of [a, b]) {
      expect((await view(d, copyPath))?.exists).toBe(false);
      // Still reachable in history.
      const events = await d.store.eventsForEntity(d.manager.spaceId, copyPath);
      expect(events.some((e) => e.data.content?.hash === loser.value?.hash)).toBe(true);
    }
    // A second conflict whose copy the user edited: the copy stays.
    const other = 'dir/kept.md';
    await makeConflict(a, b, other);
    const loser2 = (await view(a, other))?.conflicts[0] as FileVersion;
    const copy2 = conflictCopyPath(other, loser2);
    unwrap(await a.manager.createFileState(copy2, { content: body('edited copy') }));
    unwrap(await a.manager.resolveConflict(other, 'theirs'));
    expect((await view(a, copy2))?.exists).toBe(true);
  });
});

describe('CRDTManager: events from peers', () => {
  it('quarantines events from a clock more than 5 min ahead and applies them once ours catches up', async () => {
    const [a, b] = (await openDevices(2, [0, 10 * MINUTE])) as [Device, Device];
    unwrap(await b.manager.createFileState('future.txt', { content: body('from the future') }));
    const first = await deliver(b, a);
    expect(first.applied).toBe(0);
    expect(first.quarantined.map((q) => q.code)).toEqual(['ClockAhead']);
    expect(first.quarantined[0]?.message).toMatch(/dev-b's clock is \d+s ahead/);
    expect(await view(a, 'future.txt')).toBeUndefined();
    expect(await a.store.getFrontier(a.manager.spaceId)).toEqual({});

    // Pulled again: still held, counted as another attempt, never dropped.
    await deliver(b, a);
    const held = await a.manager.quarantine.pending({ spaceId: a.manager.spaceId });
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({
      code: 'ClockAhead',
      nodeId: 'dev-b',
      seq: 1,
      attempts: 2,
      source: 'peer-dev-b',
    });
    expect((held[0]?.payload as { entity_id: string }).entity_id).toBe('future.txt');

    a.clock.ms += 4 * MINUTE; // still 6 min behind
    expect((await a.manager.retryQuarantine()).applied).toBe(0);
    expect(await a.manager.quarantine.count(a.manager.spaceId)).toBe(1);

    a.clock.ms += 2 * MINUTE; // now 4 min behind: within the bound
    const retried = await a.manager.retryQuarantine();
    expect(retried.applied).toBe(1);
    expect(await a.manager.quarantine.pending({ spaceId: a.manager.spaceId })).toEqual([]);
    expect(await view(a, 'future.txt')).toEqual(await view(b, 'future.txt'));
    expect(await a.store.getFrontier(a.manager.spaceId)).toEqual({ 'dev-b': 1 });
  });

  it('quarantines malformed rows with their code and payload and changes nothing else', async () => {
    const [a, b] = (await openDevices(2)) as [Device, Device];
    unwrap(await b.manager.createFileState('good.txt', { content: body('good') }));
    const [good] = await b.store.readAboveFrontier(b.manager.spaceId, {}, 10);
    const row = good as EventRow;
    const bad = (seq: number, change: Record<string, unknown>) => ({
      ...row,
      event_id: `bad-${seq}`,
      seq,
      hlc: row.hlc,
      ...change,
    });
    const twoMiB = 'x'.repeat(2 * 1024 * 1024);
    const malformed = [
      bad(2, { event_type: 'file_exploded' }),
      bad(3, { surprise: true }),
      bad(4, { data: { content: body('big'), fields: { blob: twoMiB } } }),
      bad(5, { entity_id: '../../x' }),
      bad(6, { data: { content: body('x'), evil: 1 } }),
      // Same event id twice in one batch: both held, one quarantine row.
      bad(2, { entity_id: '/etc/passwd' }),
    ];
    const report = await a.manager.syncFromRemote([...malformed, row], 'peer-dev-b');
    expect(report.applied).toBe(1);
    expect(report.quarantined.map((q) => [q.code, q.field])).toEqual([
      ['UnknownEventType', 'event_type'],
      ['InvalidEvent', 'surprise'],
      ['PayloadTooLarge', 'data'],
      ['InvalidPath', 'entity_id'],
      ['InvalidEvent', 'data.evil'],
      ['InvalidPath', 'entity_id'],
    ]);
    // Nothing but the good event changed anything.
    expect([...(await allViews(a)).keys()]).toEqual(['good.txt']);
    expect(await a.store.countEvents(a.manager.spaceId)).toBe(1);
    expect(await a.store.getFrontier(a.manager.spaceId)).toEqual({ 'dev-b': 1 });
    expect(await view(a, 'good.txt')).toEqual(await view(b, 'good.txt'));

    const held = await a.manager.quarantine.pending({ spaceId: a.manager.spaceId });
    const byId = new Map(held.map((h) => [h.eventId, h]));
    expect([...byId.keys()].sort()).toEqual(['bad-2', 'bad-3', 'bad-4', 'bad-5', 'bad-6']);
    expect(byId.get('bad-3')?.payload).toEqual(malformed[1]);
    expect(byId.get('bad-5')?.payload).toEqual(malformed[3]);
    expect(byId.get('bad-6')).toMatchObject({
      code: 'InvalidEvent',
      field: 'data.evil',
      source: 'peer-dev-b',
    });
    const big = byId.get('bad-4')?.payload as { data: { fields: { blob: string } } };
    expect(big.data.fields.blob).toHaveLength(twoMiB.length);
    // Held rows are not clock problems: a retry leaves them alone.
    expect((await a.manager.retryQuarantine()).received).toBe(0);
    expect(await a.manager.quarantine.count(a.manager.spaceId)).toBe(5);
  });

  it('returns what was ingested after a date, in ingestion order, whatever the event time', async () => {
    // B's clock is a day behind: its events carry old timestamps but arrive late.
    const [a, b] = (await openDevices(2, [0, -24 * 60 * MINUTE])) as [Device, Device];
    unwrap(await a.manager.createFileState('x1.txt', { content: body('x1') }));
    unwrap(await a.manager.createFileState('x2.txt', { content: body('x2') }));
    unwrap(await b.manager.createFileState('y1.txt', { content: body('y1') }));
    const since = await afterStoreNow(a.store);
    unwrap(await a.manager.createFileState('x3.txt', { content: body('x3') }));
    await deliver(b, a);
    unwrap(await a.manager.updateFileState('x1.txt', { fields: { tag: 1 } }));
    const changes = await a.manager.getChangesSince(since);
    expect(changes.map((e) => [e.entityId, e.kind])).toEqual([
      ['x3.txt', 'FileCreated'],
      ['y1.txt', 'FileCreated'],
      ['x1.txt', 'FileUpdated'],
    ]);
    expect((await a.manager.getChangesSince(new Date(0))).map((e) => e.entityId)).toEqual([
      'x1.txt',
      'x2.txt',
      'x3.txt',
      'y1.txt',
      'x1.txt',
    ]);
    expect(await a.manager.getChangesSince(new Date(Date.now() + 60 * MINUTE))).toEqual([]);
  });
});

describe(`CRDTManager: rebuild from the log (seed ${FC_SEED})`, () => {
  for (const seed of [FC_SEED, FC_SEED + 1, FC_SEED + 2]) {
    it(`rebuildStateFromEvents equals the snapshots on a random history (seed ${seed}; replay: FC_SEED=${seed})`, async () => {
      const devices = await openDevices(3, [0, 90_000, -120_000]);
      const random = prng(seed);
      const paths = ['a.txt', 'dir/b.md', 'dir/c d.bin', 'é.txt'];
      for (let step = 0; step < 45; step++) {
        const d = devices[Math.floor(random() * devices.length)] as Device;
        d.clock.ms += Math.floor(random() * 3_000);
        if (random() < 0.3) {
          const to = devices[Math.floor(random() * devices.length)] as Device;
          if (to !== d) await deliver(d, to);
          continue;
        }
        const path = paths[Math.floor(random() * paths.length)] as string;
        const current = await d.manager.getFileState(path);
        const text = `${path}:${Math.floor(random() * 5)}`;
        const r = random();
        if (!current?.exists) {
          unwrap(
            await d.manager.createFileState(path, { content: body(text), fields: { mode: step } }),
          );
        } else if (current.conflicts.length > 0 && r < 0.4) {
          unwrap(
            await d.manager.resolveConflict(
              path,
              (['mine', 'theirs', 'both'] as const)[step % 3] as KeepChoice,
            ),
          );
        } else if (r < 0.5) {
          unwrap(await d.manager.updateFileState(path, { content: body(text) }));
        } else if (r < 0.75) {
          unwrap(await d.manager.updateFileState(path, { fields: { [`f${step % 3}`]: step } }));
        } else {
          unwrap(await d.manager.deleteFileState(path));
        }
      }
      const check = async () => {
        for (const d of devices) {
          const snapshots = await allViews(d);
          const rebuilt = await d.manager.rebuildStateFromEvents();
          expect(rebuilt).toEqual(snapshots);
          expect(await allViews(d)).toEqual(snapshots);
          for (const [path, v] of snapshots) {
            expect(await d.manager.rebuildStateFromEvents(path)).toEqual(new Map([[path, v]]));
          }
        }
      };
      await check();
      await exchange(devices);
      await check();
      // After a full exchange, every device holds the same state.
      const [first, ...rest] = await Promise.all(devices.map(allViews));
      for (const other of rest) expect(other).toEqual(first);
    });
  }
});

describe('CRDTManager: restart on a persisted store', () => {
  it('continues its seq and HLC after a reopen, even with the clock set back', async () => {
    const spaceId = newSpace();
    const clock = { ms: BASE_MS + 60 * MINUTE };
    const copy = await openStoreCopy('restart');
    let store = copy.store;
    let manager = await CRDTManager.open({
      store,
      spaceId,
      now: () => clock.ms,
      deviceName: 'laptop',
    });
    const nodeId = manager.nodeId;
    expect(nodeId).toMatch(/^laptop-/);
    unwrap(await manager.createFileState('a.txt', { content: body('1') }));
    unwrap(await manager.updateFileState('a.txt', { content: body('2') }));
    // A peer 2 min ahead (within the bound): its HLC is the newest we hold.
    const peerClock = { ms: BASE_MS + 62 * MINUTE };
    const peerStore = stores[0] as EventStore;
    const peerManager = await CRDTManager.open({
      store: peerStore,
      spaceId,
      nodeId: 'dev-peer',
      now: () => peerClock.ms,
    });
    unwrap(await peerManager.createFileState('p.txt', { content: body('p') }));
    const rows = await peerStore.readAboveFrontier(spaceId, await store.getFrontier(spaceId), 100);
    expect((await manager.syncFromRemote(rows, 'peer')).applied).toBe(1);
    const heldHlcs = (await store.readAboveFrontier(spaceId, {}, 100)).map((r) => parseHlc(r.hlc));
    await store.close();

    clock.ms = BASE_MS; // the clock went back an hour while we were closed
    store = await EventStore.open(await openPgliteClient(copy.dir));
    manager = await CRDTManager.open({ store, spaceId, now: () => clock.ms });
    expect(manager.nodeId).toBe(nodeId);
    const after = unwrap(await manager.updateFileState('a.txt', { content: body('3') }));
    const event = await store.getEvent(after.lastChange?.eventId ?? '');
    expect(event?.seq).toBe(3);
    for (const h of heldHlcs) expect(compareHlc(parseHlc(event?.hlc ?? ''), h)).toBe(1);
    expect(await store.getFrontier(spaceId)).toEqual({ [nodeId]: 3, 'dev-peer': 1 });
    expect((await store.eventsForEntity(spaceId, 'a.txt')).map((e) => e.seq)).toEqual([1, 2, 3]);
    await store.close();
  });
});

/** A Date strictly after every ingestion so far and strictly before the next one (the store's clock). */
async function afterStoreNow(store: EventStore): Promise<Date> {
  const nowMs = async () =>
    Number(
      (
        await store.client.query<{ ms: number }>(
          'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
        )
      )[0]?.ms,
    );
  const since = Math.floor(await nowMs()) + 1;
  for (let i = 0; i < 1000 && (await nowMs()) <= since; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return new Date(since);
}

/** mulberry32: small, seeded, and the seed is in the test name. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
