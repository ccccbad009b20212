import { describe, expect, it, vi } from 'vitest';
import { NetGuardianError } from '../../src-shared/errors.js';
import {
  IPC_PUSH_CHANNEL,
  IPC_REQUEST_CHANNEL,
  type PushMessage,
  type Reply,
} from '../../src-shared/ipc/contract.js';
import { APP_ENTRY_URL } from './appOrigin.js';
import { createIpcRouter, type IpcMainLike, type RoutedWindow } from './ipcRouter.js';
import type { InvokeEventLike } from './senderCheck.js';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function setup(
  forwardImpl: (channel: string, payload: unknown) => Promise<unknown> = () =>
    Promise.resolve({ started: true }),
) {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => handlers.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
  };
  const sent: unknown[][] = [];
  let destroyed = false;
  const webContents = {
    send: (...args: unknown[]) => sent.push(args),
    isDestroyed: () => destroyed,
  };
  const window: RoutedWindow = { webContents };
  const mainFrame = { url: APP_ENTRY_URL, parent: null };
  const forward = vi.fn(forwardImpl);
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const router = createIpcRouter({ ipcMain, log }, { getWindow: () => window, forward });
  const invoke = (channel: unknown, payload: unknown, event: Partial<InvokeEventLike> = {}) => {
    const handler = handlers.get(IPC_REQUEST_CHANNEL);
    if (!handler) throw new Error('no handler registered');
    const full: InvokeEventLike = { sender: webContents, senderFrame: mainFrame, ...event };
    return handler(full, channel, payload) as Promise<Reply<unknown>>;
  };
  return {
    handlers,
    router,
    forward,
    log,
    invoke,
    webContents,
    mainFrame,
    sent,
    destroy: () => (destroyed = true),
  };
}

describe('ipcRouter', () => {
  it('forwards a valid request from our main frame to the core and returns its Reply', async () => {
    const t = setup(() => Promise.resolve({ total: 0, offset: 0, rows: [] }));
    const reply = await t.invoke('files:list', { query: 'a', offset: 0, limit: 50 });
    expect(reply).toEqual({ ok: true, value: { total: 0, offset: 0, rows: [] } });
    expect(t.forward).toHaveBeenCalledExactlyOnceWith('files:list', {
      query: 'a',
      offset: 0,
      limit: 50,
    });
  });

  it('refuses a malformed request, naming the field, without calling the core', async () => {
    const t = setup();
    const reply = await t.invoke('files:list', { query: 'a', offset: 0, limit: 0 });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('InvalidArgument');
    expect(reply.error.field).toBe('limit');
    expect(reply.error.message).toContain('limit');
    expect(t.forward).not.toHaveBeenCalled();
  });

  it('refuses unknown fields (strict schemas) and unknown channels', async () => {
    const t = setup();
    const extra = await t.invoke('sync:now', { evil: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'InvalidArgument' } });
    const unknown = await t.invoke('shell:exec', {});
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'InvalidArgument', field: 'channel' },
    });
    expect(t.forward).not.toHaveBeenCalled();
  });

  const foreign: Array<[string, (t: ReturnType<typeof setup>) => Partial<InvokeEventLike>]> = [
    [
      'a subframe of our window',
      (t) => ({ senderFrame: { url: APP_ENTRY_URL, parent: t.mainFrame } }),
    ],
    ['another window', () => ({ sender: { send: () => undefined } })],
    [
      'another origin (https)',
      () => ({ senderFrame: { url: 'https://evil.example/', parent: null } }),
    ],
    ['a file:// page', () => ({ senderFrame: { url: 'file:///tmp/index.html', parent: null } })],
    [
      'a look-alike host',
      () => ({ senderFrame: { url: 'app://netguardian.evil/', parent: null } }),
    ],
    ['a frame that is gone', () => ({ senderFrame: null })],
  ];
  it.each(foreign)('refuses a request from %s', async (_name, event) => {
    const t = setup();
    const reply = await t.invoke('state:get', {}, event(t));
    expect(reply).toMatchObject({ ok: false, error: { code: 'AccessDenied' } });
    expect(t.forward).not.toHaveBeenCalled();
    expect(t.log.warn).toHaveBeenCalledOnce();
  });

  it('refuses everything while there is no window', async () => {
    const handlers = new Map<string, Handler>();
    const forward = vi.fn(() => Promise.resolve(null));
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    createIpcRouter(
      {
        ipcMain: { handle: (c, l) => handlers.set(c, l), removeHandler: () => undefined },
        log,
      },
      { getWindow: () => null, forward },
    );
    const reply = await handlers.get(IPC_REQUEST_CHANNEL)?.(
      { sender: {}, senderFrame: { url: APP_ENTRY_URL, parent: null } },
      'state:get',
      {},
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'AccessDenied' } });
    expect(forward).not.toHaveBeenCalled();
  });

  it('turns core failures into error Replies instead of throwing across IPC', async () => {
    const coded = setup(() =>
      Promise.reject(new NetGuardianError('NotFound', 'no such file', 'path')),
    );
    expect(await coded.invoke('history:get', { path: 'a.txt' })).toEqual({
      ok: false,
      error: { code: 'NotFound', message: 'no such file', field: 'path' },
    });
    const plain = setup(() => Promise.reject(new Error('port closed')));
    expect(await plain.invoke('state:get', {})).toEqual({
      ok: false,
      error: { code: 'StoreError', message: 'port closed' },
    });
    // What a NetGuardianError looks like after structured clone across the core's port.
    const clone = Object.assign(new Error('clock ahead'), { code: 'ClockAhead' });
    const cloned = setup(() => Promise.reject(clone));
    expect(await cloned.invoke('sync:now', {})).toEqual({
      ok: false,
      error: { code: 'ClockAhead', message: 'clock ahead' },
    });
  });

  it('sends pushes to our window only, and not after it is destroyed', () => {
    const t = setup();
    const message: PushMessage = { channel: 'conflicts:changed', payload: { count: 2 } };
    t.router.push(message);
    expect(t.sent).toEqual([[IPC_PUSH_CHANNEL, message]]);
    t.destroy();
    t.router.push(message);
    expect(t.sent).toHaveLength(1);
  });

  it('removes its handler on dispose', () => {
    const t = setup();
    expect(t.handlers.has(IPC_REQUEST_CHANNEL)).toBe(true);
    t.router.dispose();
    expect(t.handlers.has(IPC_REQUEST_CHANNEL)).toBe(false);
  });
});
