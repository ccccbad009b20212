/**
 * Snapshots folded by an older NetGuardian are rebuilt from the log once, when the store is next
 * opened, and not again: a snapshot that disagrees with its events (as an older fold's would) is
 * back to the fold of its events, and the format is recorded.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CRDTManager } from '../crdtManager.js';
import { EventStore } from './eventStore.js';
import { openPgliteClient } from './pgliteClient.js';
import { SNAPSHOT_FORMAT, ensureSnapshotFormat } from './snapshotFormat.js';

let store: EventStore;
beforeEach(async () => {
  store = await EventStore.open(await openPgliteClient());
});
afterEach(async () => {
  await store.close();
});

const content = (text: string) => ({
  hash: createHash('sha256').update(text).digest('hex'),
  size: text.length,
});

describe('snapshot format', () => {
  it('rebuilds snapshots folded in another format once, then records this one', async () => {
    const manager = await CRDTManager.open({ store, spaceId: 'photos', nodeId: 'laptop' });
    const created = await manager.createFileState('a.txt', { content: content('one') });
    expect(created.ok).toBe(true);
    // What an older fold left: a snapshot whose columns disagree with its events.
    await store.client.query(
      `UPDATE crdt_snapshots SET content_hash = 'stale', size = 999 WHERE entity_id = 'a.txt'`,
    );
    await store.client.query(`DELETE FROM crdt_store_meta`);

    expect(await ensureSnapshotFormat(store)).toBe(1);
    const rows = await store.client.query<{ content_hash: string; size: string }>(
      `SELECT content_hash, size FROM crdt_snapshots WHERE entity_id = 'a.txt'`,
    );
    expect(rows).toEqual([{ content_hash: content('one').hash, size: 3 }]);
    const meta = await store.client.query(`SELECT key, value FROM crdt_store_meta`);
    expect(meta).toEqual([{ key: 'snapshot_format', value: String(SNAPSHOT_FORMAT) }]);

    // Recorded: opening again rebuilds nothing.
    expect(await ensureSnapshotFormat(store)).toBe(0);
  });

  it('records the format of an empty store without rebuilding anything', async () => {
    expect(await ensureSnapshotFormat(store)).toBe(0);
    expect(await store.client.query(`SELECT value FROM crdt_store_meta`)).toEqual([
      { value: String(SNAPSHOT_FORMAT) },
    ]);
  });
});
