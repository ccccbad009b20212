/**
 * A device's folder layer for integration tests, in process: a real folder,
 * a real PGlite store (in memory), the file index, scanner and materializer.
 * Devices exchange events store to store (what the sync engine does through
 * the hub) and share an in-memory chunk source (what the hub's chunk store is).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, lstat } from 'node:fs/promises';
import path from 'node:path';
import { CRDTManager } from '../../src-main/core/crdtManager.js';
import type { ChunkSource } from '../../src-main/core/files/chunkStore.js';
import type { DiskSpace } from '../../src-main/core/files/diskSpace.js';
import { FileIndex } from '../../src-main/core/files/fileIndex.js';
import { IgnoreRules } from '../../src-main/core/files/ignoreRules.js';
import { createMaterializer, type Materializer } from '../../src-main/core/files/materializer.js';
import { createScanner, type Scanner } from '../../src-main/core/files/scanner.js';
import type { TempFlusher } from '../../src-main/core/files/tempFlusher.js';
import { UnsyncableList } from '../../src-main/core/files/unsyncableList.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgliteClient } from '../../src-main/core/store/pgliteClient.js';
import type { ChunkRef } from '../../src-shared/events/event.js';
import type { NameFolding } from '../../src-shared/nameRules.js';

/** The hub's chunk store, in memory. `corrupt` makes it return wrong bytes for a hash. */
export class MemoryChunks implements ChunkSource {
  readonly chunks = new Map<string, Uint8Array>();
  readonly corrupt = new Set<string>();
  requested = 0;

  put(ref: ChunkRef, bytes: Uint8Array): void {
    if (!this.chunks.has(ref.hash)) this.chunks.set(ref.hash, Uint8Array.from(bytes));
  }

  getChunks(_spaceId: string, hashes: readonly string[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const hash of hashes) {
      const bytes = this.chunks.get(hash);
      if (!bytes) continue;
      this.requested++;
      if (this.corrupt.has(hash)) {
        const bad = Uint8Array.from(bytes);
        bad[0] = (bad[0] ?? 0) ^ 0xff;
        out.set(hash, bad);
      } else out.set(hash, bytes);
    }
    return Promise.resolve(out);
  }
}

export interface FolderDevice {
  readonly nodeId: string;
  readonly root: string;
  readonly dataDir: string;
  readonly store: EventStore;
  readonly manager: CRDTManager;
  readonly index: FileIndex;
  readonly scanner: Scanner;
  readonly materializer: Materializer;
  /** The files this device can't sync (local and remote), as a Device keeps them. */
  readonly unsyncable: UnsyncableList;
  setIgnore(text: string): void;
  close(): Promise<void>;
}

export async function openFolderDevice(options: {
  readonly nodeId: string;
  readonly spaceId: string;
  /** A folder for this device: `root/` and `data/` are created in it. */
  readonly dir: string;
  readonly chunks: MemoryChunks;
  readonly now?: () => number;
  /** A store to work in (tests share one per file, a space per test); default: a new in-memory PGlite. */
  readonly store?: EventStore;
  /** Whose naming rules the materializer applies (default: this machine's). */
  readonly platform?: string;
  /** How the folder compares names, as if probed (default: probed). */
  readonly folding?: NameFolding;
  /** How the materializer makes its temp files durable (default: a TempFlusher). */
  readonly flusher?: TempFlusher;
  /** The materializer's view of the disk (default: the default limits). */
  readonly space?: DiskSpace;
}): Promise<FolderDevice> {
  const root = path.join(options.dir, 'root');
  const dataDir = path.join(options.dir, 'data');
  await mkdir(root, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  const store = options.store ?? (await EventStore.open(await openPgliteClient()));
  const manager = await CRDTManager.open({
    store,
    spaceId: options.spaceId,
    nodeId: options.nodeId,
    ...(options.now ? { now: options.now } : {}),
  });
  const index = new FileIndex(store.client, options.spaceId);
  let rules = IgnoreRules.fromText('');
  const unsyncable = new UnsyncableList(store.client, options.spaceId);
  const scanner = createScanner({
    root,
    spaceId: options.spaceId,
    index,
    manager,
    ignore: () => rules,
    onChunk: (ref, bytes) => options.chunks.put(ref, bytes),
    unsyncable,
  });
  const materializer = createMaterializer({
    root,
    spaceId: options.spaceId,
    dataDir,
    index,
    manager,
    chunks: options.chunks,
    scanner,
    ignore: () => rules,
    unsyncable,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.folding ? { folding: options.folding } : {}),
    ...(options.flusher ? { flusher: options.flusher } : {}),
    ...(options.space ? { space: options.space } : {}),
  });
  return {
    nodeId: options.nodeId,
    root,
    dataDir,
    store,
    manager,
    index,
    scanner,
    materializer,
    unsyncable,
    setIgnore: (text) => {
      rules = IgnoreRules.fromText(text);
    },
    close: async () => {
      if (!options.store) await store.close();
    },
  };
}

/** Takes in `from`'s events that `to` lacks; returns the entities that changed on `to`. */
export async function pullEvents(to: FolderDevice, from: FolderDevice): Promise<string[]> {
  const space = to.manager.spaceId;
  const rows = await from.store.readAboveFrontier(
    space,
    await to.store.getFrontier(space),
    100_000,
  );
  const report = await to.manager.syncFromRemote(rows, from.nodeId);
  return report.changes.map((c) => c.entityId);
}

/** Pulls from `from` and materializes what changed; returns the materializer's report. */
export async function pullAndApply(to: FolderDevice, from: FolderDevice) {
  return to.materializer.apply(await pullEvents(to, from));
}

/** Every file and folder under `root` (relative POSIX path → sha256 of content, or 'dir'), skipping `skip`. */
export async function treeOf(root: string, skip: (rel: string) => boolean = () => false) {
  const out = new Map<string, string>();
  const stack = [''];
  for (let guard = 0; stack.length > 0 && guard < 1_000_000; guard++) {
    const rel = stack.pop() as string;
    for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (skip(child)) continue;
      if (entry.isDirectory()) {
        out.set(child, 'dir');
        stack.push(child);
      } else if (entry.isSymbolicLink()) {
        out.set(child, 'symlink');
      } else {
        const bytes = await readFile(path.join(root, child));
        out.set(child, createHash('sha256').update(bytes).digest('hex'));
      }
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export const modeOf = async (file: string) => (await lstat(file)).mode & 0o777;
