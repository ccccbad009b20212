// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireClientMessage } from '../../src-shared/ipc/contract.js';
import { appState } from '../testing/fakeData.js';
import { createWsClient } from './wsClient.js';

/** A scripted WebSocket: tests open, answer and drop it by hand. */
class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: WireClientMessage[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text) as WireClientMessage);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const latest = () => FakeSocket.all.at(-1)!;

const connect = () =>
  createWsClient({
    url: 'ws://127.0.0.1:4000/api/ws',
    protocols: ['netguardian.secret'],
    timeoutMs: 1_000,
    backoff: () => 500,
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
  });

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('WebSocket client', () => {
  it('sends the token as subprotocol, queues calls until open and matches answers by id', async () => {
    const ws = connect();
    expect(latest().protocols).toEqual(['netguardian.secret']);
    expect(ws.connection()).toBe('connecting');
    const answer = ws.client.call('state:get', {});
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(ws.connection()).toBe('online');
    expect(latest().sent).toEqual([{ type: 'request', id: 1, channel: 'state:get', payload: {} }]);
    latest().receive({ type: 'response', id: 1, ok: true, value: appState() });
    await expect(answer).resolves.toEqual(appState());
  });

  it('rejects with the core’s own message', async () => {
    const ws = connect();
    latest().open();
    const answer = ws.client.call('history:get', { path: 'a.txt' });
    latest().receive({
      type: 'response',
      id: 1,
      ok: false,
      error: { code: 'NotFound', message: 'a.txt has no history.' },
    });
    await expect(answer).rejects.toThrow('a.txt has no history.');
  });

  it('delivers pushes to listeners', () => {
    const ws = connect();
    latest().open();
    const seen: unknown[] = [];
    const stop = ws.client.listen((m) => seen.push(m));
    latest().receive({ type: 'push', channel: 'conflicts:changed', payload: { count: 2 } });
    stop();
    latest().receive({ type: 'push', channel: 'conflicts:changed', payload: { count: 3 } });
    expect(seen).toEqual([{ channel: 'conflicts:changed', payload: { count: 2 } }]);
  });

  it('times out a call that gets no answer', async () => {
    const ws = connect();
    latest().open();
    const answer = ws.client.call('sync:now', {});
    const check = expect(answer).rejects.toThrow('did not answer in time');
    await vi.advanceTimersByTimeAsync(1_000);
    await check;
  });

  it('goes offline when the socket drops, fails calls in flight, reconnects with backoff', async () => {
    const ws = connect();
    const statuses: string[] = [];
    ws.onConnectionChange((s) => statuses.push(s));
    latest().open();
    const inFlight = ws.client.call('devices:list', {});
    const check = expect(inFlight).rejects.toThrow('connection to NetGuardian was lost');
    latest().close();
    await check;
    expect(ws.connection()).toBe('offline');
    const waiting = ws.client.call('state:get', {});
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.all).toHaveLength(2);
    latest().open();
    expect(statuses).toEqual(['online', 'offline', 'online']);
    const request = latest().sent[0]!;
    latest().receive({ type: 'response', id: request.id, ok: true, value: appState() });
    await expect(waiting).resolves.toEqual(appState());
    ws.close();
  });

  it('stops retrying and says so when the server refuses this page’s token; an away server is retried', async () => {
    let refused = false;
    const tokenRefused = vi.fn(() => Promise.resolve(refused));
    const ws = createWsClient({
      url: 'ws://127.0.0.1:4000/api/ws',
      protocols: ['netguardian.old'],
      timeoutMs: 1_000,
      backoff: () => 500,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      tokenRefused,
    });
    // The server is away: the upgrade fails, the token is not refused, so it tries again.
    latest().close();
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.all).toHaveLength(2);
    expect(ws.connection()).toBe('offline');
    // Restarted with a new token: this page's is refused; no more attempts, calls fail at once.
    refused = true;
    const waiting = ws.client.call('state:get', {});
    const check = expect(waiting).rejects.toThrow('access link is out of date');
    latest().close();
    await check;
    expect(ws.connection()).toBe('refused');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(FakeSocket.all).toHaveLength(2);
    await expect(ws.client.call('devices:list', {})).rejects.toThrow('access link is out of date');
    expect(tokenRefused).toHaveBeenCalledTimes(2);
    ws.close();
  });
});
