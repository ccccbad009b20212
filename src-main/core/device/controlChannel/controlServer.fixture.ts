/**
 * Test fixture for controlChannel.int.test.ts, run as its own process, the way an owner runs:
 *   node --import tsx controlServer.fixture.ts <dataDir> <folder>
 * Takes the owner lock, serves the test service on the control channel and prints
 * `listening <socket path>`; prints `hanging` when a `sync:now` request arrives (it is never
 * answered), so the test can kill this process in the middle of a request.
 */
import { acquireOwnerLock } from '../ownerLock.js';
import { serveControlChannel } from './server.js';
import { createTestService } from './testService.fixture.js';

const [dataDir, folder] = process.argv.slice(2);
if (dataDir === undefined || folder === undefined) throw new Error('usage: <dataDir> <folder>');

const lock = await acquireOwnerLock(dataDir, { command: 'netguardian start' });
if (!lock.ok) throw lock.error;
const service = createTestService({
  folder,
  onHang: () => process.stdout.write('hanging\n'),
});
const server = await serveControlChannel({ dataDir, service });
process.stdout.write(`listening ${server.path}\n`);
setInterval(() => undefined, 1 << 30);
