/**
 * Example 4, event sourcing: every change is an event in an append-only log; the snapshot a
 * read uses is only a cache of the fold of those events. Print a file's log (type, device, seq,
 * hlc, vector clock) and check that rebuilding from the log gives the snapshot.
 */
import { isDeepStrictEqual } from 'node:util';
import { FileEntity, toWire } from '../src-main/index.js';
import { contentOf, expectOk, formatClock, type Workspace } from './support/workspace.js';

export interface EventSourcingOutcome {
  readonly path: string;
  readonly log: readonly {
    readonly type: string;
    readonly nodeId: string;
    readonly seq: number;
    readonly hlc: string;
    readonly vectorClock: Readonly<Record<string, number>>;
  }[];
  /** rebuildStateFromEvents(path) equals getFileState(path). */
  readonly rebuildEqualsSnapshot: boolean;
  /** Folding the log in reverse order gives the same state (merge is order-independent). */
  readonly reverseReplayEqual: boolean;
  /** rebuildStateFromEvents() for the whole space equals every snapshot. */
  readonly fullRebuildEqualsSnapshots: boolean;
}

export async function eventSourcing(ws: Workspace): Promise<EventSourcingOutcome> {
  const { print } = ws;
  const laptop = await ws.openDevice('laptop');
  const desktop = await ws.openDevice('desktop');
  const path = 'design/logo.svg';

  expectOk(
    await laptop.crdt.createFileState(path, {
      content: contentOf('<svg/>'),
      fields: { mode: 0o644 },
    }),
    'create',
  );
  expectOk(await laptop.crdt.updateFileState(path, { fields: { owner: 'ana' } }), 'fields');
  expectOk(
    await laptop.crdt.createFileState('design/colors.txt', { content: contentOf('red') }),
    'colors',
  );
  await laptop.sync.bidirectionalSync();
  await desktop.sync.bidirectionalSync();
  expectOk(
    await desktop.crdt.updateFileState(path, { content: contentOf('<svg><circle/></svg>') }),
    'desktop edit',
  );
  await desktop.sync.bidirectionalSync();
  await laptop.sync.bidirectionalSync();
  expectOk(await laptop.crdt.updateFileState(path, { fields: { owner: 'ben' } }), 'owner');
  print(
    `laptop created ${path} and set a field, desktop changed its content, laptop changed a field again.`,
  );

  const events = await laptop.store.eventsForEntity(ws.spaceId, path);
  print(
    `The laptop's log for ${path}: ${events.length} events, in the order this store took them in. ` +
      "seq numbers a device's events in the whole space (the laptop's seq 3 is design/colors.txt); " +
      "the vector clock counts each device's events on this file.",
  );
  const log = events.map((e) => ({
    type: toWire(e).event_type,
    nodeId: e.nodeId,
    seq: e.seq,
    hlc: e.hlc,
    vectorClock: e.vectorClock,
  }));
  for (const e of log) {
    print(
      `  ${e.type.padEnd(13)} by ${e.nodeId.padEnd(7)} seq ${e.seq}  hlc ${e.hlc}  vector clock ${formatClock(e.vectorClock)}`,
    );
  }

  const snapshot = await laptop.crdt.getFileState(path);
  const rebuilt = (await laptop.crdt.rebuildStateFromEvents(path)).get(path);
  const rebuildEqualsSnapshot = rebuilt !== undefined && isDeepStrictEqual(rebuilt, snapshot);
  print(
    `rebuildStateFromEvents("${path}") ${rebuildEqualsSnapshot ? 'equals' : 'DIFFERS FROM'} the stored snapshot ` +
      `(fields ${JSON.stringify(rebuilt?.fields)}, vector clock ${formatClock(rebuilt?.clock ?? {})}).`,
  );

  const reversed = FileEntity.fromEvents(path, [...events].reverse()).get();
  const reverseReplayEqual = isDeepStrictEqual(reversed, snapshot);
  print(
    `Folding the same events in reverse order ${reverseReplayEqual ? 'gives the same state' : 'gives a DIFFERENT state'}: ` +
      'the result does not depend on delivery order.',
  );

  const before = new Map(
    (await laptop.store.listSnapshots(ws.spaceId)).map((e) => [e.entityId, e.get()]),
  );
  const all = await laptop.crdt.rebuildStateFromEvents();
  const fullRebuildEqualsSnapshots =
    all.size === before.size && [...all].every(([id, v]) => isDeepStrictEqual(v, before.get(id)));
  print(
    `rebuildStateFromEvents() recomputed all ${all.size} files of the space from the log and rewrote ` +
      `their snapshots: ${fullRebuildEqualsSnapshots ? 'identical to what was stored' : 'they DIFFER'}.`,
  );

  return { path, log, rebuildEqualsSnapshot, reverseReplayEqual, fullRebuildEqualsSnapshots };
}
