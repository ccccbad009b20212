import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_CONTENT } from '../../../src-shared/fileKinds.js';
import { CRDTManager } from '../crdtManager.js';
import { IgnoreRules } from '../files/ignoreRules.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { listFiles, readPendingDownloads, type FileListContext } from './fileList.js';

/**
 * A folder's row says what is below it: a conflict anywhere under it, else an upload waiting,
 * else a download waiting, else synced. The store's facts are set by hand (the file index says
 * what is on disk, the push frontier what the hub holds) and the states read back.
 */

const content = (text: string) => ({
  hash: createHash('sha256').update(text).digest('hex'),
  size: text.length,
});

let store: EventStore;
let manager: CRDTManager;
let ctx: FileListContext;

/** Every entity of the space as on disk, as the scanner would have indexed it. */
const INDEX_ALL = `
INSERT INTO fs_index (space_id, path, kind, hash)
SELECT space_id, entity_id, CASE WHEN crdt_snapshot_is_folder(file_exists, content_hash) THEN 'dir' ELSE 'file' END,
       content_hash
FROM crdt_snapshots WHERE space_id = 'states' AND file_exists
ON CONFLICT (space_id, path) DO UPDATE SET hash = EXCLUDED.hash, kind = EXCLUDED.kind`;

const states = async (folder: string) =>
  Object.fromEntries(
    (await listFiles(ctx, { query: '', offset: 0, limit: 100, folder })).rows
      .filter((r) => r.kind === 'dir')
      .map((r) => [r.path, r.state]),
  );

beforeAll(async () => {
  store = await EventStore.open(await openPgliteClient());
  manager = await CRDTManager.open({ store, spaceId: 'states', nodeId: 'laptop' });
  const folders = ['docs', 'docs/old', 'Music'];
  const files = ['docs/a.txt', 'docs/old/x.txt', 'Music/song.mp3', 'top.txt'];
  const made = await manager.writeBatch([
    ...folders.map((path) => ({
      op: 'create' as const,
      path,
      change: { content: DIRECTORY_CONTENT },
    })),
    ...files.map((path) => ({ op: 'create' as const, path, change: { content: content(path) } })),
  ]);
  expect(made.every((r) => r.ok)).toBe(true);
  await store.client.query(INDEX_ALL);
  const seq = await store.client.query<{ n: number }>(
    `SELECT max(seq)::float8 AS n FROM crdt_events WHERE space_id = 'states'`,
  );
  ctx = {
    db: store.client,
    spaceId: 'states',
    thisNode: 'laptop',
    pushedSeq: Number(seq[0]?.n),
    nameOf: (id) => id,
    ignore: IgnoreRules.fromText(''),
    pendingDownloads: () => readPendingDownloads(store.client, 'states', ctx.ignore),
  };
}, 120_000);
afterAll(async () => {
  await store?.close();
});

describe("a folder's row", () => {
  it('is synced when everything below is on disk and on the hub', async () => {
    expect(await states('')).toEqual({ Music: 'synced', docs: 'synced' });
    expect(await states('docs')).toEqual({ 'docs/old': 'synced' });
  });

  it('is downloading while a file below is not on disk, at any depth', async () => {
    await store.client.query(
      `DELETE FROM fs_index WHERE space_id = 'states' AND path = 'docs/old/x.txt'`,
    );
    expect(await states('')).toEqual({ Music: 'synced', docs: 'downloading' });
    expect(await states('docs')).toEqual({ 'docs/old': 'downloading' });
    // Too many folders waiting to keep their list: each row asks its own range, same answer.
    const listed = ctx;
    ctx = { ...ctx, pendingDownloads: () => Promise.resolve({ count: 1, folders: null }) };
    expect(await states('')).toEqual({ Music: 'synced', docs: 'downloading' });
    expect(await states('docs')).toEqual({ 'docs/old': 'downloading' });
    ctx = listed;
    // Ignored here: it never comes, so it is nothing to wait for.
    ctx = { ...ctx, ignore: IgnoreRules.fromText('old/\n') };
    expect(await states('')).toEqual({ Music: 'synced', docs: 'synced' });
    ctx = { ...ctx, ignore: IgnoreRules.fromText('') };
    await store.client.query(INDEX_ALL);
  });

  it('is waiting to upload while a change below is not on the hub', async () => {
    const made = await manager.writeBatch([
      { op: 'create', path: 'Music/new.mp3', change: { content: content('new') } },
    ]);
    expect(made.every((r) => r.ok)).toBe(true);
    await store.client.query(INDEX_ALL);
    expect(await states('')).toEqual({ Music: 'pending-upload', docs: 'synced' });
    // Without a hub nothing waits to upload.
    const withHub = ctx;
    ctx = { ...ctx, pushedSeq: null };
    expect(await states('')).toEqual({ Music: 'synced', docs: 'synced' });
    ctx = withHub;
  });

  it('shows a conflict below over anything else', async () => {
    await store.client.query(
      `UPDATE crdt_snapshots SET has_conflict = true WHERE space_id = 'states' AND entity_id = 'Music/song.mp3'`,
    );
    expect(await states('')).toEqual({ Music: 'conflict', docs: 'synced' });
  });
});
