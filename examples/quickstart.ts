/**
 * The README's quick start, verbatim: kept here so it is type-checked and run by
 * `npm run examples` and the examples' int test.
 */
import { createHash } from 'node:crypto';
import {
  CRDTManager,
  SyncEngine,
  openDeviceStore,
  openHubStore,
  type PgClientOptions,
  type SyncStatus,
} from '../src-main/index.js';

export async function quickstart(
  hubOptions: PgClientOptions,
  dataDir: string,
): Promise<SyncStatus> {
  // The hub is a PostgreSQL server; this device runs its own PostgreSQL server under dataDir.
  const hub = await openHubStore(hubOptions); // e.g. { connectionString: 'postgres://…' }
  const device = await openDeviceStore({ dataDir });
  const crdt = await CRDTManager.open({
    store: device,
    spaceId: 'my-folder',
    deviceName: 'laptop',
  });

  // A file is recorded by its content's hash and size, plus free-form metadata fields.
  const text = 'Hello, NetGuardian!\n';
  const bytes = Buffer.from(text, 'utf8');
  const content = { hash: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  const created = await crdt.createFileState('hello.txt', { content, fields: { mode: 0o644 } });
  if (!created.ok) throw created.error; // expected failures are values: { ok: false, error }

  // Pull what the hub has, then push what it lacks.
  const sync = new SyncEngine({ manager: crdt, remote: hub });
  const report = await sync.bidirectionalSync();
  if (report.error) throw new Error(`sync failed: ${report.error}`);
  const status = await sync.getSyncStatus(); // lastSync, pendingPush, conflicts, quarantined, …

  await sync.close();
  await device.close();
  await hub.close();
  return status;
}
