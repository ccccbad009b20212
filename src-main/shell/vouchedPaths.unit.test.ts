import { describe, expect, it, vi } from 'vitest';
import type { Channel, RequestOf } from '../../src-shared/ipc/contract.js';
import { BRIDGE_VOUCH_CHANNEL } from '../preload/channels.js';
import { APP_ENTRY_URL } from './appOrigin.js';
import type { InvokeEventLike } from './senderCheck.js';
import {
  interceptImport,
  listenForVouchedPaths,
  MAX_VOUCHED,
  VOUCHED_FOR_MS,
  VouchedPaths,
} from './vouchedPaths.js';

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const importOf = (paths: string[]) =>
  ({ paths, targetDir: '' }) as RequestOf<Channel> & RequestOf<'files:import'>;

describe('vouched paths', () => {
  it('remembers absolute paths for ten minutes, and at most MAX_VOUCHED of them', () => {
    let now = 1_000;
    const vouched = new VouchedPaths(() => now);
    vouched.vouch('/home/ann/photo.jpg');
    vouched.vouch('relative/photo.jpg');
    expect(vouched.has('/home/ann/photo.jpg')).toBe(true);
    expect(vouched.has('relative/photo.jpg')).toBe(false);
    now += VOUCHED_FOR_MS + 1;
    expect(vouched.has('/home/ann/photo.jpg')).toBe(false);
    for (let i = 0; i <= MAX_VOUCHED; i++) vouched.vouch(`/drop/${i}`);
    expect(vouched.has('/drop/0')).toBe(false);
    expect(vouched.has('/drop/1')).toBe(true);
    expect(vouched.has(`/drop/${MAX_VOUCHED}`)).toBe(true);
  });

  it('imports only vouched paths; a stranger is refused by name and nothing is forwarded', async () => {
    const vouched = new VouchedPaths();
    vouched.vouch('/home/ann/photo.jpg');
    const forward = vi.fn((_c: Channel, _p: RequestOf<Channel>) => Promise.resolve('done'));
    const guarded = interceptImport(vouched, forward);
    await expect(guarded('files:import', importOf(['/home/ann/photo.jpg']))).resolves.toBe('done');
    await expect(
      guarded('files:import', importOf(['/home/ann/photo.jpg', '/etc/passwd'])),
    ).rejects.toMatchObject({
      code: 'AccessDenied',
      field: 'paths',
      message: expect.stringContaining('/etc/passwd was not dropped or picked') as unknown,
    });
    expect(forward).toHaveBeenCalledTimes(1);
    // Other channels pass as they are.
    await expect(guarded('state:get', {} as RequestOf<Channel>)).resolves.toBe('done');
  });

  it('takes a path only from our own window’s main frame', () => {
    const listeners = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => void>();
    const ipcMain = {
      on: (channel: string, l: (event: InvokeEventLike, ...args: unknown[]) => void) =>
        listeners.set(channel, l),
      removeListener: (channel: string) => listeners.delete(channel),
    };
    const webContents = { send: vi.fn(), isDestroyed: () => false };
    const vouched = new VouchedPaths();
    const stop = listenForVouchedPaths(
      { ipcMain, log },
      { getWindow: () => ({ webContents }), vouched },
    );
    const say = listeners.get(BRIDGE_VOUCH_CHANNEL);
    expect(say).toBeDefined();
    say?.({ sender: webContents, senderFrame: { url: APP_ENTRY_URL, parent: null } }, '/a/ok.txt');
    say?.({ sender: {}, senderFrame: { url: APP_ENTRY_URL, parent: null } }, '/a/other-window');
    say?.(
      { sender: webContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      '/a/foreign',
    );
    say?.({ sender: webContents, senderFrame: { url: APP_ENTRY_URL, parent: {} } }, '/a/iframe');
    expect(vouched.has('/a/ok.txt')).toBe(true);
    for (const p of ['/a/other-window', '/a/foreign', '/a/iframe'])
      expect(vouched.has(p)).toBe(false);
    stop();
    expect(listeners.has(BRIDGE_VOUCH_CHANNEL)).toBe(false);
  });
});
