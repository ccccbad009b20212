import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { acquireOwnerLock, readOwner, type OwnerLock } from './ownerLock.js';
import { spawnFixture, type FixtureProcess } from './spawnFixture.fixture.js';

/**
 * The owner lock between real processes: a child takes it, this process is refused and told
 * who holds it, and the lock dies with the child however it dies (SIGKILL), even when the child
 * left a grandchild running.
 */

const holder = fileURLToPath(new URL('./ownerLockHolder.fixture.ts', import.meta.url));

let dir: TempDir;
let dataDir: string;
const children: FixtureProcess[] = [];
const extraPids: number[] = [];
const locks: OwnerLock[] = [];

beforeEach(async () => {
  dir = await makeTempDir('ng-owner-lock-');
  dataDir = path.join(dir.path, 'data');
});

afterEach(async () => {
  for (const lock of locks.splice(0)) await lock.release();
  for (const child of children.splice(0)) await child.kill9();
  for (const pid of extraPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await dir.cleanup();
});

const startHolder = async (...flags: string[]) => {
  const child = spawnFixture(holder, [dataDir, 'netguardian start', ...flags]);
  children.push(child);
  const line = await child.nextLine();
  expect(line).toMatch(/^locked /);
  return { child, grandchild: line.split(' ')[1] };
};

const acquire = async (command = 'netguardian status') => {
  const result = await acquireOwnerLock(dataDir, { command });
  if (result.ok) locks.push(result.value);
  return result;
};

describe('acquireOwnerLock', () => {
  it('creates the data dir 0700 and the lock file 0600, and records its owner', async () => {
    const result = await acquire('netguardian start');
    expect(result.ok).toBe(true);
    if (process.platform !== 'win32') {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(path.join(dataDir, 'owner.lock'))).mode & 0o777).toBe(0o600);
      expect((await stat(path.join(dataDir, 'owner.json'))).mode & 0o777).toBe(0o600);
    }
    const owner = await readOwner(dataDir);
    expect(owner).toMatchObject({ pid: process.pid, command: 'netguardian start' });
    expect(Date.parse(owner!.startedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses while another process holds it, naming its pid and command; free at once after kill -9', async () => {
    const { child } = await startHolder();

    const refused = await acquire();
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('AlreadyRunning');
    expect(refused.error.message).toMatch(
      new RegExp(
        `^this device is already running: netguardian start \\(pid ${child.pid}, since \\d\\d:\\d\\d\\)\\. `,
      ),
    );
    expect(refused.error.message).toContain('Stop it first, or run commands while it runs');

    await child.kill9();
    // owner.json is stale now (it still names the dead child); the lock is not.
    expect((await readOwner(dataDir))?.pid).toBe(child.pid);
    const taken = await acquire('netguardian start');
    expect(taken.ok).toBe(true);
    expect((await readOwner(dataDir))?.pid).toBe(process.pid);
  });

  it('refuses a second acquire inside the same process (two open file descriptions conflict)', async () => {
    const first = await acquire('netguardian start');
    expect(first.ok).toBe(true);
    const second = await acquire();
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.error.code).toBe('AlreadyRunning');
      expect(second.error.message).toContain(`(pid ${process.pid}, since `);
    }
    // And the refusal did not disturb the first holder: a child is refused too.
    const child = spawnFixture(holder, [dataDir, 'netguardian start']);
    children.push(child);
    expect(await child.nextLine()).toBe('refused AlreadyRunning');
  });

  it('is not kept by a grandchild that outlives the locker (the descriptor is close-on-exec)', async () => {
    const { child, grandchild } = await startHolder('--grandchild');
    const grandchildPid = Number(grandchild);
    expect(Number.isSafeInteger(grandchildPid)).toBe(true);
    extraPids.push(grandchildPid);

    await child.kill9();
    expect(() => process.kill(grandchildPid, 0)).not.toThrow(); // still running
    const taken = await acquire('netguardian start');
    expect(taken.ok).toBe(true);
  });

  it('release is idempotent, removes owner.json, and frees the lock for the next process', async () => {
    const first = await acquire('netguardian start');
    if (!first.ok) throw first.error;
    await Promise.all([first.value.release(), first.value.release()]);
    await first.value.release();
    await expect(readFile(path.join(dataDir, 'owner.json'))).rejects.toMatchObject({
      code: 'ENOENT',
    });

    const { child } = await startHolder();
    expect((await readOwner(dataDir))?.pid).toBe(child.pid);
  });

  it('says only "another process" when owner.json names a process that is gone', async () => {
    // A crashed owner left owner.json behind and a new owner holds the lock but has not
    // written its own yet: simulated by overwriting a live holder's owner.json with a pid
    // above Linux's largest pid_max (2^22), which no process can have.
    await startHolder();
    await writeFile(
      path.join(dataDir, 'owner.json'),
      JSON.stringify({
        pid: 2 ** 22 + 1,
        command: 'netguardian start',
        startedAt: new Date().toISOString(),
      }),
    );
    const refused = await acquire();
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.error.message).toBe(
        'this device is already running in another process. Stop it first, or run commands while it runs: they talk to it.',
      );
  });
});
