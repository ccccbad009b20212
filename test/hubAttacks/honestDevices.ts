/**
 * Honest devices for the attack tests: each paired with a hub through an invite, with its own
 * PGlite store, CRDT manager and sync engine, as a device runs them. `proveSync` shows that a new
 * change of one device reaches another through the hub.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { encodeHlc } from '../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import { toWire, type EventWire } from '../../src-shared/events/eventSchema.js';
import { CRDTManager } from '../../src-main/core/crdtManager.js';
import { HubConnection } from '../../src-main/core/hubClient/hubConnection.js';
import { HubChunks, HubPeer } from '../../src-main/core/hubClient/hubPeer.js';
import { pairWithHub } from '../../src-main/core/hubClient/pairing.js';
import type { RunningHub } from '../../src-main/core/hubService/hubRuntime.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgliteClient } from '../../src-main/core/store/pgliteClient.js';
import { SyncEngine } from '../../src-main/core/syncEngine.js';

export const sha = (text: string | Uint8Array): string =>
  createHash('sha256').update(text).digest('hex');

export interface HonestDevice {
  readonly name: string;
  readonly spaceId: string;
  readonly store: EventStore;
  readonly manager: CRDTManager;
  readonly peer: HubPeer;
  readonly chunks: HubChunks;
  readonly engine: SyncEngine;
  readonly credential: string;
  close(): Promise<void>;
}

export const endpointOf = (hub: RunningHub) => ({
  address: `127.0.0.1:${hub.address.port}`,
  fingerprint: hub.fingerprint,
});

export async function pairedDevice(
  hub: RunningHub,
  spaceId: string,
  name: string,
  /** Runs once the device's store is open, right before it connects to pair. */
  beforePairing?: () => Promise<void>,
): Promise<HonestDevice> {
  const store = await EventStore.open(await openPgliteClient());
  const manager = await CRDTManager.open({ store, spaceId, deviceName: name });
  const invite = await hub.accounts.createInvite({ spaceId, expiresInMs: 60_000 });
  await beforePairing?.();
  const paired = await pairWithHub({
    endpoint: endpointOf(hub),
    secret: invite.secret,
    nodeId: manager.nodeId,
    deviceName: name,
  });
  const connection = new HubConnection({ ...endpointOf(hub), credential: paired.credential });
  const peer = new HubPeer(connection, spaceId);
  const chunks = new HubChunks(connection, spaceId);
  const engine = new SyncEngine({ manager, remote: peer });
  return {
    name,
    spaceId,
    store,
    manager,
    peer,
    chunks,
    engine,
    credential: paired.credential,
    async close() {
      await engine.close();
      await peer.close();
      await store.close();
    },
  };
}

let changes = 0;

/**
 * A new change of `from` goes through the hub to `to`: `from` records a file and syncs (it sends
 * it), `to` syncs (it receives it) and then holds the file.
 */
export async function proveSync(from: HonestDevice, to: HonestDevice): Promise<void> {
  changes += 1;
  const path = `proof/${from.name}-${changes}.txt`;
  const content = { hash: sha(path), size: path.length };
  expect((await from.manager.createFileState(path, { content })).ok).toBe(true);
  const sent = await from.engine.bidirectionalSync();
  expect(sent.error).toBeNull();
  expect(sent.sent).toBeGreaterThanOrEqual(1);
  const received = await to.engine.bidirectionalSync();
  expect(received.error).toBeNull();
  expect(received.received).toBeGreaterThanOrEqual(1);
  expect((await to.manager.getFileState(path))?.content).toEqual(content);
}

/** A valid event of `nodeId` in wire form (what a device pushes), as a device would build it. */
export function wireEvent(input: {
  spaceId: string;
  nodeId: string;
  seq: number;
  entityId?: string;
  eventId?: string;
  data?: CrdtEvent['data'];
}): EventWire {
  const { spaceId, nodeId, seq } = input;
  return toWire({
    eventId: input.eventId ?? `${nodeId}:${seq}:${Math.random().toString(36).slice(2, 10)}`,
    spaceId,
    entityId: input.entityId ?? `attack/${nodeId}-${seq}.txt`,
    kind: 'FileCreated',
    data: input.data ?? { content: { hash: sha(`${nodeId}-${seq}`), size: 3 } },
    timestamp: new Date().toISOString(),
    hlc: encodeHlc({ wallMs: Date.now(), counter: seq, nodeId }),
    nodeId,
    seq,
    vectorClock: { [nodeId]: seq },
  });
}
