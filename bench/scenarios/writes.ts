/**
 * The seed's local writes: `createFileState` of a new file and `updateFileState` with new
 * content, each timed on its own, through CRDTManager on one device store.
 */
import { createHash } from 'node:crypto';
import { CRDTManager } from '../../src-main/core/crdtManager.js';
import type { EventStore } from '../../src-main/core/store/eventStore.js';
import { entityPath } from '../support/events.js';
import { median, percentile, timed } from '../support/stats.js';

export interface WritesResult {
  readonly ops: number;
  readonly createMedianMs: number;
  readonly createP90Ms: number;
  readonly updateMedianMs: number;
  readonly updateP90Ms: number;
  /** Events and files in the space afterwards (warm-up included). */
  readonly events: number;
  readonly files: number;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

export async function benchWrites(options: {
  readonly store: EventStore;
  readonly spaceId: string;
  readonly ops: number;
  readonly warmupOps: number;
}): Promise<WritesResult> {
  const { store, spaceId, ops, warmupOps } = options;
  const manager = await CRDTManager.open({ store, spaceId, nodeId: 'bench-writer' });
  const create = (i: number) =>
    manager.createFileState(entityPath(i), {
      content: { hash: hashOf(`c${i}`), size: 1000 + i },
      fields: { mtime: 1_700_000_000_000 + i },
    });
  const update = (i: number) =>
    manager.updateFileState(entityPath(i), {
      content: { hash: hashOf(`u${i}`), size: 2000 + i },
      fields: { mtime: 1_700_000_500_000 + i },
    });
  const mustBeOk = (r: Awaited<ReturnType<typeof create>>) => {
    if (!r.ok) throw r.error;
  };

  // Warm-up on other files: plan caches, JIT, connection pool.
  for (let i = 0; i < warmupOps; i++) mustBeOk(await create(ops + i));
  for (let i = 0; i < warmupOps; i++) mustBeOk(await update(ops + i));

  const createMs: number[] = [];
  for (let i = 0; i < ops; i++) {
    const { value, ms } = await timed(() => create(i));
    mustBeOk(value);
    createMs.push(ms);
  }
  const updateMs: number[] = [];
  for (let i = 0; i < ops; i++) {
    const { value, ms } = await timed(() => update(i));
    mustBeOk(value);
    updateMs.push(ms);
  }
  const counts = await store.countSnapshots(spaceId);
  return {
    ops,
    createMedianMs: median(createMs),
    createP90Ms: percentile(createMs, 90),
    updateMedianMs: median(updateMs),
    updateP90Ms: percentile(updateMs, 90),
    events: await store.countEvents(spaceId),
    files: counts.files,
  };
}
