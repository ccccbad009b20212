import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH, type WireServerMessage } from '../../../src-shared/ipc/contract.js';
import { openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { startHeadlessServer, type HeadlessServer } from './server.js';

/**
 * Issue 15, point 2: over the headless WebSocket, with the token, `files:import` of
 * `/etc/passwd` and of another device's `config.json` (which holds a hub password) copied them
 * into the synced folder, from where every device would get them. The browser UI uploads bytes;
 * it never names paths on this computer. Refused with a named error, and nothing written.
 */

let app: AppHarness;
let other: AppHarness;
let server: HeadlessServer;

beforeAll(async () => {
  app = await openAppHarness({ name: 'Headless' });
  other = await openAppHarness({ name: 'Other' });
  server = await startHeadlessServer({ service: app.service, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await other?.close();
});

/** One request over an authenticated socket; resolves with its response. */
function callOnce(channel: string, payload: unknown): Promise<WireServerMessage> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}`, [
      `netguardian.${server.token}`,
    ]);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'request', id: 1, channel, payload })));
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as WireServerMessage;
      if (message.type !== 'response') return;
      ws.close();
      resolve(message);
    });
  });
}

/** Every entry under `dir`, as paths relative to it. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((e) => e.split(path.sep).join('/')).sort();
}

describe('headless: files:import', () => {
  it('refuses /etc/passwd and another device’s config with AccessDenied, writing nothing', async () => {
    const before = await tree(app.folder);
    for (const source of ['/etc/passwd', path.join(other.dataDir, 'config.json')]) {
      const answer = await callOnce('files:import', { paths: [source], targetDir: '' });
      expect(answer).toMatchObject({
        type: 'response',
        ok: false,
        error: { code: 'AccessDenied', field: 'channel' },
      });
      expect((answer as { error: { message: string } }).error.message).toMatch(
        /^files:import: copying files from this computer’s disk is only for files dropped or picked in the desktop app/,
      );
    }
    expect(await tree(app.folder)).toEqual(before);
    // The same socket's other requests still work.
    expect(await callOnce('files:list', { query: '', offset: 0, limit: 10 })).toMatchObject({
      ok: true,
    });
  });
});
