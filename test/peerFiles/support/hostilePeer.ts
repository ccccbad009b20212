/**
 * A peer that plays by no one's rules but the hub's: a device of the shared space (paired with
 * the hub's service with an invite, as any device is), its own store and CRDT manager, and no
 * folder, scanner or ignore rules. It records whatever files it likes exactly as a device's scanner records a new file
 * (`decidePresent`: content, exec bit, mtime) and pushes them with their chunks, the way an
 * earlier version of NetGuardian, or a modified one, would. A receiving device must treat what
 * it sends as data.
 */
import { createHash } from 'node:crypto';
import { pairDevice } from '../../../src-main/core/app/hubJoin.js';
import { CRDTManager } from '../../../src-main/core/crdtManager.js';
import { openHubAccess, type HubServiceAccess } from '../../../src-main/core/device/hubAccess.js';
import type { ChunkInput } from '../../../src-main/core/files/chunkStore.js';
import { decidePresent } from '../../../src-main/core/files/scanDecision.js';
import { EventStore } from '../../../src-main/core/store/eventStore.js';
import { openPgliteClient } from '../../../src-main/core/store/pgliteClient.js';
import { SyncEngine } from '../../../src-main/core/syncEngine.js';
import { DIRECTORY_CONTENT } from '../../../src-shared/fileKinds.js';
import { decodeInvite } from '../../../src-shared/hubProtocol/inviteCode.js';

/** What the peer says is at a path: a folder, a file (its text, maybe executable), or nothing. */
export type PeerEntry =
  | { readonly kind: 'dir' }
  | { readonly kind: 'file'; readonly text: string; readonly exec?: boolean }
  | { readonly kind: 'deleted' };

export interface HostilePeer {
  /** Records `entries` (folders first: in the order given) and pushes them to the hub. */
  publish(entries: Readonly<Record<string, PeerEntry>>): Promise<void>;
  close(): Promise<void>;
}

/** Pairs `nodeId` with the hub an invite code (`hub invite`) names: its access to the service. */
export async function pairHostilePeer(
  code: string,
  device: { readonly nodeId: string; readonly deviceName: string },
): Promise<HubServiceAccess> {
  const invite = decodeInvite(code);
  if (!invite.ok) throw invite.error;
  const { address, fingerprint, secret } = invite.value;
  const pairing = await pairDevice({ address, fingerprint }, secret, device);
  return { address, fingerprint, credential: pairing.credential };
}

export async function openHostilePeer(options: {
  /** The hub's service, as the peer paired with it (for `nodeId`). */
  readonly hubService: HubServiceAccess;
  readonly spaceId: string;
  readonly nodeId: string;
}): Promise<HostilePeer> {
  const { spaceId } = options;
  const hub = await openHubAccess({ hubService: options.hubService }, spaceId);
  if (!hub) throw new Error('the hostile peer found no hub in its hub service access');
  const store = await EventStore.open(await openPgliteClient());
  const manager = await CRDTManager.open({ store, spaceId, nodeId: options.nodeId });
  const pending: ChunkInput[] = [];
  const engine = new SyncEngine({
    manager,
    remote: hub.peer,
    beforePushBatch: async () => {
      await hub.chunks.put(spaceId, pending.splice(0, pending.length));
    },
  });

  const record = async (entityId: string, entry: PeerEntry): Promise<void> => {
    const view = await manager.getFileState(entityId);
    if (entry.kind === 'deleted') {
      const deleted = await manager.deleteFileState(entityId);
      if (!deleted.ok) throw deleted.error;
      return;
    }
    const bytes = Buffer.from(entry.kind === 'file' ? entry.text : '');
    const hash = createHash('sha256').update(bytes).digest('hex');
    // One chunk: every file here is far below the 128 KiB minimum chunk size.
    const content =
      entry.kind === 'dir'
        ? DIRECTORY_CONTENT
        : { hash, size: bytes.length, chunks: bytes.length ? [{ hash, size: bytes.length }] : [] };
    if (entry.kind === 'file' && bytes.length > 0) pending.push({ hash, data: bytes });
    const decision = decidePresent(undefined, view, {
      content,
      mode: entry.kind === 'file' && entry.exec === true ? 0o755 : 0o644,
      mtimeMs: Date.now(),
    });
    if (decision.action !== 'create' && decision.action !== 'update') return;
    // What it has seen of the file is its basis: the peer's version wins, no conflict.
    const { basis: _ignored, ...change } = decision.change;
    const written =
      decision.action === 'create'
        ? await manager.createFileState(entityId, change)
        : await manager.updateFileState(entityId, change);
    if (!written.ok) throw written.error;
  };

  return {
    publish: async (entries) => {
      await hub.ensureAccess();
      const pulled = await engine.pullSync();
      if (pulled.error) throw new Error(`the hostile peer could not pull: ${pulled.error}`);
      for (const [entityId, entry] of Object.entries(entries)) await record(entityId, entry);
      const pushed = await engine.pushSync();
      if (pushed.error) throw new Error(`the hostile peer could not push: ${pushed.error}`);
    },
    close: async () => {
      await engine.close();
      await store.close();
      await hub.peer.close();
    },
  };
}
