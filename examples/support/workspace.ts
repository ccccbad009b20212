/**
 * What every example needs: a connection to the hub, a space of its own on it, and devices
 * (a store in a temp directory, on the device's own PostgreSQL server, a CRDTManager and a
 * SyncEngine each), all closed and deleted at the end.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CRDTManager,
  SyncEngine,
  openDeviceStore,
  openHubStore,
  type ContentRef,
  type EventStore,
  type PgClientOptions,
  type Result,
} from '../../src-main/index.js';

/** Where an example tells what it does, one line at a time. */
export type Print = (line: string) => void;

export interface Device {
  /** Also its node id, so output reads "laptop", not a UUID. */
  readonly name: string;
  readonly store: EventStore;
  readonly crdt: CRDTManager;
  readonly sync: SyncEngine;
}

export interface DeviceOptions {
  /** The device's physical clock (skew it to show quarantine). */
  readonly now?: () => number;
}

/**
 * The hub connection and the devices' stores, shared by all examples: a store holds any number
 * of spaces (synced folders), so each example works in a space of its own on the same stores.
 * (Opening a device's store starts its server; opening a space costs milliseconds.)
 */
export interface Lab {
  readonly hub: EventStore;
  /** The device store named `name` (its data dir in the lab's temp directory), opened once. */
  store(name: string): Promise<EventStore>;
}

export interface Workspace {
  readonly hub: EventStore;
  /** Unique per run, so a long-lived hub (DATABASE_URL) never mixes runs. */
  readonly spaceId: string;
  readonly print: Print;
  /** This device in the workspace's space: a CRDTManager and a SyncEngine to the hub. */
  openDevice(name: string, options?: DeviceOptions): Promise<Device>;
}

/** Runs `body` with a lab; closes every store and deletes the temp directory after. */
export async function withLab<T>(
  options: { hub: PgClientOptions; devices?: readonly string[] },
  body: (lab: Lab) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'netguardian-examples-'));
  // Enterable by others, and so are the data dirs in it: run as root, each device's PostgreSQL
  // server runs as `postgres` and keeps its cluster in the data dir, so it goes with the
  // directory (a 0700 one would send it to /var/lib/netguardian/clusters, where it would stay).
  await chmod(dir, 0o755);
  const stores = new Map<string, Promise<EventStore>>();
  let hub: EventStore | undefined;
  try {
    hub = await openHubStore(options.hub);
    const lab: Lab = {
      hub,
      store(name) {
        let store = stores.get(name);
        if (!store) {
          const dataDir = join(dir, name);
          // Made here, enterable (see above); a data dir the store makes itself is 0700.
          store = mkdir(dataDir, { mode: 0o755 }).then(() => openDeviceStore({ dataDir }));
          stores.set(name, store);
        }
        return store;
      },
    };
    // Open the known devices side by side: their servers start in parallel.
    await Promise.all((options.devices ?? []).map((name) => lab.store(name)));
    return await body(lab);
  } finally {
    const opened = await Promise.allSettled(stores.values());
    for (const s of opened) if (s.status === 'fulfilled') await s.value.close();
    await hub?.close();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Runs `body` in a new space of the lab; stops the example's sync engines after. */
export async function withWorkspace<T>(
  lab: Lab,
  options: { example: string; print: Print },
  body: (ws: Workspace) => Promise<T>,
): Promise<T> {
  const engines: SyncEngine[] = [];
  const ws: Workspace = {
    hub: lab.hub,
    spaceId: `${options.example}-${randomUUID().slice(0, 8)}`,
    print: options.print,
    async openDevice(name, deviceOptions = {}) {
      const store = await lab.store(name);
      const crdt = await CRDTManager.open({
        store,
        spaceId: ws.spaceId,
        nodeId: name,
        ...(deviceOptions.now ? { now: deviceOptions.now } : {}),
      });
      const sync = new SyncEngine({ manager: crdt, remote: lab.hub });
      engines.push(sync);
      return { name, store, crdt, sync };
    },
  };
  try {
    return await body(ws);
  } finally {
    for (const sync of engines) await sync.close();
  }
}

/** A file's content reference as the file layer would compute it (SHA-256 and size of the bytes). */
export function contentOf(text: string): ContentRef {
  const bytes = Buffer.from(text, 'utf8');
  return { hash: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

/** The first 8 hex digits of a content hash: enough to tell versions apart in the output. */
export const short = (content: ContentRef | null | undefined): string =>
  content ? content.hash.slice(0, 8) : '(none)';

/** The value of a result the example expects to succeed; anything else is a bug worth a stack. */
export function expectOk<T, E>(result: Result<T, E>, what: string): T {
  if (result.ok) return result.value;
  const error = result.error as unknown;
  throw new Error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

/** `{"laptop":2,"desktop":1}` → `laptop:2 desktop:1`. */
export const formatClock = (clock: Readonly<Record<string, number>>): string =>
  Object.entries(clock)
    .map(([node, n]) => `${node}:${n}`)
    .join(' ') || '(empty)';
