import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH } from '../../src-shared/ipc/contract.js';
import { makeTempDir, type TempDir } from '../../test/support/tempDir.js';
import { writeDeviceConfig } from '../core/deviceConfig.js';

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

describe('netguardian serve', () => {
  it('prints the URL, answers over WebSocket with its token, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--data', path.join(dir.path, 'data')], {
      env: { ...process.env, NETGUARDIAN_LOG: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'request', id: 1, channel: 'settings:get', payload: {} }));
    // State pushes may come first (the daemon's first scan reports as it starts): skip them.
    let reply: unknown;
    for (let i = 0; i < 100 && reply === undefined; i++) {
      const [data] = (await once(ws, 'message')) as [Buffer];
      const message = JSON.parse(data.toString()) as { type?: string };
      if (message.type !== 'push') reply = message;
    }
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
});
