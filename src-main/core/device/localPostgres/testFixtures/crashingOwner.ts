/**
 * A device owner to be killed (deviceServerCrash.int.test.ts): starts the server of the data dir
 * given as argv[2], commits `argv[3]` local writes through CRDTManager, leaves one transaction
 * open (never committed), prints one JSON line with what it committed, and waits to be killed.
 */
import { CRDTManager } from '../../../crdtManager.js';
import { EventStore } from '../../../store/eventStore.js';
import { openPgClient } from '../../../store/pgClient.js';
import { startDeviceServer } from '../deviceServer.js';

const [dataDir, count] = process.argv.slice(2);
if (dataDir === undefined || count === undefined)
  throw new Error('usage: crashingOwner <dataDir> <writes>');

const server = await startDeviceServer({ dataDir });
const client = await openPgClient(server.connection);
const store = await EventStore.open(client);
const manager = await CRDTManager.open({ store, spaceId: 'crash', deviceName: 'crashing' });
const paths: string[] = [];
for (let i = 0; i < Number(count); i++) {
  const path = `file-${i}.txt`;
  const written = await manager.createFileState(path, {
    content: { hash: 'a'.repeat(64), size: i },
  });
  if (!written.ok) throw written.error;
  paths.push(path);
}
await client.exec('CREATE TABLE IF NOT EXISTS crash_open (note text)');
// Held open until the kill: this row is never committed.
await new Promise<void>((inserted) => {
  void client.transaction(async (tx) => {
    await tx.query(`INSERT INTO crash_open VALUES ('uncommitted')`);
    inserted();
    await new Promise(() => undefined);
  });
});
process.stdout.write(
  JSON.stringify({ ready: true, clusterDir: server.clusterDir, nodeId: manager.nodeId, paths }) +
    '\n',
);
setInterval(() => undefined, 60_000);
