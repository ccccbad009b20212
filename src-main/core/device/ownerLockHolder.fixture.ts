/**
 * Test fixture for ownerLock.int.test.ts, run as its own process:
 *   node --import tsx ownerLockHolder.fixture.ts <dataDir> <command> [--grandchild]
 * Takes the owner lock and prints one line, `locked <grandchild pid | ->`, then waits to be
 * killed. With --grandchild it first spawns a long-lived child (as a daemon spawns PostgreSQL),
 * which must not inherit the lock.
 */
import { spawn } from 'node:child_process';
import { acquireOwnerLock } from './ownerLock.js';

const [dataDir, command, flag] = process.argv.slice(2);
if (dataDir === undefined || command === undefined) throw new Error('usage: <dataDir> <command>');

const lock = await acquireOwnerLock(dataDir, { command });
if (!lock.ok) {
  process.stdout.write(`refused ${lock.error.code}\n`);
  process.exit(1);
}
let grandchild = '-';
if (flag === '--grandchild') {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
    stdio: 'ignore',
  });
  child.unref();
  grandchild = String(child.pid);
}
process.stdout.write(`locked ${grandchild}\n`);
setInterval(() => undefined, 1 << 30);
