import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  DOWNLOAD_PATH,
  SESSION_PATH,
  TOKEN_HEADER,
  UPLOAD_PATH,
  WS_PATH,
  type WireServerMessage,
} from '../../../src-shared/ipc/contract.js';
import { openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { startHeadlessServer, type HeadlessServer } from './server.js';

/**
 * The headless server with real clients (node:http, the `ws` package) against
 * a real device (PGlite, a temp folder, the watcher running).
 */

let app: AppHarness;
let site: TempDir;
let server: HeadlessServer;
let bare: HeadlessServer;

beforeAll(async () => {
  app = await openAppHarness({ name: 'Headless' });
  site = await makeTempDir('ng-site-');
  await mkdir(path.join(site.path, 'assets'));
  await writeFile(path.join(site.path, 'index.html'), '<!doctype html><title>NG</title>');
  await writeFile(path.join(site.path, 'assets', 'app.js'), 'console.log(1)');
  server = await startHeadlessServer({ service: app.service, port: 0, staticDir: site.path });
  bare = await startHeadlessServer({
    service: app.service,
    staticDir: path.join(site.path, 'missing'),
  });
});
afterAll(async () => {
  await server?.close();
  await bare?.close();
  await app?.close();
  await site?.cleanup();
});

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(
  target: HeadlessServer,
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: pathname,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a socket; resolves with it, or with the HTTP status that refused it. */
function connect(
  options: { protocol?: string; origin?: string; query?: string } = {},
): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${server.port}${WS_PATH}${options.query ?? ''}`,
      options.protocol !== undefined ? [options.protocol] : [],
      options.origin !== undefined ? { origin: options.origin } : {},
    );
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', reject);
  });
}

/** A connected client that collects every message and can wait for one. */
async function client() {
  const opened = await connect({ protocol: `netguardian.${server.token}` });
  if (!('ws' in opened)) throw new Error(`refused with ${opened.status}`);
  const ws = opened.ws;
  const messages: WireServerMessage[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString()) as WireServerMessage);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (pick: (m: WireServerMessage) => boolean): Promise<WireServerMessage> => {
    for (;;) {
      const found = messages.find(pick);
      if (found) {
        messages.splice(messages.indexOf(found), 1);
        return found;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  let nextId = 1;
  const call = async (channel: string, payload: unknown) => {
    const id = nextId++;
    ws.send(JSON.stringify({ type: 'request', id, channel, payload }));
    return next((m) => m.type === 'response' && m.id === id);
  };
  return { ws, messages, next, call };
}

describe('headless server: static files', () => {
  it('serves the renderer with a strict CSP and nosniff, and index.html for app routes', async () => {
    const index = await http(server, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>NG</title>');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await http(server, '/assets/app.js');
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect((await http(server, '/conflicts/some/route')).body).toContain('<title>NG</title>');
    // Traversal never leaves the site folder.
    const traversal = await http(server, '/..%2f..%2f..%2fetc%2fpasswd');
    expect(traversal.body).not.toContain('root:');
    expect((await http(server, '/api/nothing')).status).toBe(404);
  });

  it('says how to build the interface when dist/renderer is missing', async () => {
    const page = await http(bare, '/');
    expect(page.status).toBe(503);
    expect(page.body).toContain('npm run build:renderer');
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    const rebound = await http(server, '/', { headers: { Host: `evil.example:${server.port}` } });
    expect(rebound.status).toBe(403);
    const foreign = await http(server, '/', { headers: { Origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
  });
});

describe('headless server: WebSocket', () => {
  it('refuses a missing or wrong token, and a foreign Origin even with the token', async () => {
    expect(await connect()).toEqual({ status: 401 });
    expect(await connect({ protocol: 'netguardian.wrong' })).toEqual({ status: 401 });
    expect(await connect({ query: '?token=nope' })).toEqual({ status: 401 });
    expect(
      await connect({ protocol: `netguardian.${server.token}`, origin: 'http://evil.example' }),
    ).toEqual({ status: 403 });
    const viaQuery = await connect({ query: `?token=${server.token}` });
    expect('ws' in viaQuery).toBe(true);
    if ('ws' in viaQuery) viaQuery.ws.close();
  });

  it('answers malformed frames with an error naming the problem, and keeps serving', async () => {
    const c = await client();
    c.ws.send('{not json');
    const notJson = await c.next((m) => m.type === 'response');
    expect(notJson).toMatchObject({ ok: false, error: { code: 'InvalidArgument' } });
    expect(JSON.stringify(notJson)).toMatch(/not valid JSON/);
    c.ws.send(JSON.stringify({ type: 'request', id: 5, channel: 'files:list', payload: {}, x: 1 }));
    expect(await c.next((m) => m.type === 'response' && m.id === 5)).toMatchObject({ ok: false });
    const bad = await c.call('files:list', { query: '', offset: 0 });
    expect(JSON.stringify(bad)).toMatch(/files:list: limit/);
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'InvalidArgument', field: 'limit' },
    });
    const unknown = await c.call('files:erase', {});
    expect(unknown).toMatchObject({ ok: false, error: { field: 'channel' } });
    expect(await c.call('state:get', {})).toMatchObject({ ok: true });
    c.ws.close();
  });

  it('lists files created in the folder and pushes files:changed when one appears', async () => {
    const c = await client();
    await writeFile(path.join(app.folder, 'a.txt'), 'alpha');
    await c.next((m) => m.type === 'push' && m.channel === 'files:changed');
    let page = await c.call('files:list', { query: '', offset: 0, limit: 50 });
    while (!(page.type === 'response' && page.ok && (page.value as { total: number }).total >= 1)) {
      await c.next((m) => m.type === 'push' && m.channel === 'files:changed');
      page = await c.call('files:list', { query: '', offset: 0, limit: 50 });
    }
    expect(page).toMatchObject({
      ok: true,
      value: { total: 1, rows: [{ path: 'a.txt', kind: 'file', size: 5, state: 'synced' }] },
    });
    c.ws.close();
  });
});

describe('headless server: upload', () => {
  it('lands the file in the folder atomically, records it, never overwrites, and checks the token', async () => {
    const c = await client();
    const put = (rel: string, body: string, token = server.token) =>
      http(server, `${UPLOAD_PATH}?path=${encodeURIComponent(rel)}`, {
        method: 'PUT',
        headers: { [TOKEN_HEADER]: token, 'Content-Length': String(Buffer.byteLength(body)) },
        body,
      });
    expect((await put('up/new.txt', 'x', 'wrong')).status).toBe(401);
    const first = await put('up/new.txt', 'uploaded bytes');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ path: 'up/new.txt', size: 14 });
    expect(await readFile(path.join(app.folder, 'up', 'new.txt'), 'utf8')).toBe('uploaded bytes');
    const second = await put('up/new.txt', 'other');
    expect(JSON.parse(second.body)).toEqual({ path: 'up/new (2).txt', size: 5 });
    expect(await readFile(path.join(app.folder, 'up', 'new.txt'), 'utf8')).toBe('uploaded bytes');
    const escape = await put('../outside.txt', 'no');
    expect(escape.status).toBe(400);
    expect(JSON.parse(escape.body)).toMatchObject({ error: { field: 'path' } });
    const listed = await c.call('files:list', { query: 'up/', offset: 0, limit: 50 });
    expect(listed).toMatchObject({
      ok: true,
      value: { rows: [{ path: 'up/new (2).txt' }, { path: 'up/new.txt', size: 14 }] },
    });
    await c.next((m) => m.type === 'push' && m.channel === 'import:progress');
    c.ws.close();
  });

  it('downloads a file of the folder as data, never as a page, and only with the token', async () => {
    await mkdir(path.join(app.folder, 'down'), { recursive: true });
    await writeFile(path.join(app.folder, 'down', 'page.html'), '<script>alert(1)</script>');
    await symlink(path.join(site.path, 'index.html'), path.join(app.folder, 'down', 'link.html'));
    const get = (rel: string, token = server.token) =>
      http(server, `${DOWNLOAD_PATH}?path=${encodeURIComponent(rel)}`, {
        headers: { [TOKEN_HEADER]: token },
      });
    const page = await get('down/page.html');
    expect(page.status).toBe(200);
    expect(page.body).toBe('<script>alert(1)</script>');
    expect(page.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'content-disposition': "attachment; filename*=UTF-8''page.html",
    });
    expect(page.headers['content-security-policy']).toMatch(/sandbox/);
    expect((await get('down/page.html', 'wrong')).status).toBe(401);
    expect((await get('down/missing.txt')).status).toBe(404);
    const link = await get('down/link.html');
    expect(link.status).toBe(400);
    expect(link.body).toBe('down/link.html is a link, not a file');
    expect((await get('../outside.txt')).status).toBe(400);
    expect((await get('down')).status).toBe(400);
  });

  it('says whether a token is this server’s (an old page asks before it retries forever)', async () => {
    const session = (token: string) =>
      http(server, SESSION_PATH, { headers: { [TOKEN_HEADER]: token } });
    expect((await session(server.token)).status).toBe(204);
    expect((await session('an-old-token')).status).toBe(401);
  });
});
