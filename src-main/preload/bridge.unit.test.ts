import { describe, expect, it, vi } from 'vitest';
import {
  CHANNELS,
  IPC_PUSH_CHANNEL,
  IPC_REQUEST_CHANNEL,
  type PushMessage,
} from '../../src-shared/ipc/contract.js';
import { createBridge, type BridgeDeps } from './bridge.js';
import {
  BRIDGE_CHANNELS,
  BRIDGE_PUSH_CHANNEL,
  BRIDGE_REQUEST_CHANNEL,
  BRIDGE_VOUCH_CHANNEL,
} from './channels.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeRenderer() {
  const listeners = new Map<string, Set<Listener>>();
  const invoke = vi.fn((_channel: string, ..._args: unknown[]) =>
    Promise.resolve({ ok: true, value: 'answer' } as unknown),
  );
  const send = vi.fn((_channel: string, ..._args: unknown[]) => undefined);
  const deps: BridgeDeps = {
    ipcRenderer: {
      invoke,
      send,
      on: (channel, listener) => {
        const set = listeners.get(channel) ?? new Set();
        set.add(listener);
        listeners.set(channel, set);
      },
      removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
    },
    webUtils: {
      // A File made by page script has no path: Electron answers ''.
      getPathForFile: (file: never) => {
        const name = (file as { name: string }).name;
        return name === 'made-in-page.txt' ? '' : `/abs/${name}`;
      },
    },
  };
  const emit = (channel: string, event: unknown, ...args: unknown[]) =>
    listeners.get(channel)?.forEach((l) => l(event, ...args));
  return { deps, invoke, send, emit, listeners };
}

describe('preload bridge', () => {
  it('exposes exactly call, listen and pathForFile', () => {
    const bridge = createBridge(fakeRenderer().deps);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'listen', 'pathForFile']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
  });

  it('calls go through the one request channel and return the Reply', async () => {
    const r = fakeRenderer();
    const bridge = createBridge(r.deps);
    const reply = await bridge.call('files:list', { query: '', offset: 0, limit: 10 });
    expect(reply).toEqual({ ok: true, value: 'answer' });
    expect(r.invoke).toHaveBeenCalledExactlyOnceWith(IPC_REQUEST_CHANNEL, 'files:list', {
      query: '',
      offset: 0,
      limit: 10,
    });
  });

  it('refuses a channel outside the contract without touching IPC', async () => {
    const r = fakeRenderer();
    const bridge = createBridge(r.deps);
    for (const channel of ['netguardian:push', 'shell:openExternal', '__proto__', 'toString', 42])
      expect(await bridge.call(channel as never, {})).toMatchObject({
        ok: false,
        error: { code: 'InvalidArgument', field: 'channel' },
      });
    expect(r.invoke).not.toHaveBeenCalled();
  });

  it('passes pushes without the IpcRendererEvent, and unsubscribes', () => {
    const r = fakeRenderer();
    const bridge = createBridge(r.deps);
    const received: unknown[][] = [];
    const stop = bridge.listen((...args: unknown[]) => received.push(args));
    const message: PushMessage = { channel: 'files:changed', payload: { paths: ['a'] } };
    const event = { sender: { invoke: 'the ipcRenderer' }, ports: [] };
    r.emit(IPC_PUSH_CHANNEL, event, message);
    expect(received).toEqual([[message]]);
    stop();
    stop();
    r.emit(IPC_PUSH_CHANNEL, event, message);
    expect(received).toHaveLength(1);
    expect(r.listeners.get(IPC_PUSH_CHANNEL)?.size).toBe(0);
  });

  it('resolves a dropped file to its path through webUtils', () => {
    const bridge = createBridge(fakeRenderer().deps);
    expect(bridge.pathForFile({ name: 'photo.jpg' })).toBe('/abs/photo.jpg');
  });

  it('vouches for a path it resolved to the main process, and for nothing else', () => {
    const r = fakeRenderer();
    const bridge = createBridge(r.deps);
    expect(bridge.pathForFile({ name: 'photo.jpg' })).toBe('/abs/photo.jpg');
    expect(r.send).toHaveBeenCalledExactlyOnceWith(BRIDGE_VOUCH_CHANNEL, '/abs/photo.jpg');
    expect(bridge.pathForFile({ name: 'made-in-page.txt' })).toBe('');
    expect(r.send).toHaveBeenCalledTimes(1);
  });

  it("lists exactly the contract's channels and IPC channel names", () => {
    expect([...BRIDGE_CHANNELS].sort()).toEqual([...CHANNELS].sort());
    expect(BRIDGE_REQUEST_CHANNEL).toBe(IPC_REQUEST_CHANNEL);
    expect(BRIDGE_PUSH_CHANNEL).toBe(IPC_PUSH_CHANNEL);
  });
});
