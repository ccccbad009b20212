import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coreArgs, startCore, type UtilityChild } from './coreHost.js';

class FakeChild extends EventEmitter implements UtilityChild {
  posted: unknown[] = [];
  killed = false;
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  kill() {
    this.killed = true;
    return true;
  }
}

function launch() {
  const forks: Array<{ modulePath: string; args: string[]; serviceName: string }> = [];
  const child = new FakeChild();
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const host = startCore(
    {
      utilityProcess: {
        fork: (modulePath, args, options) => {
          forks.push({ modulePath, args, serviceName: options.serviceName });
          return child;
        },
      },
      log,
    },
    { modulePath: '/app/dist/electron/coreProcess.js', dataDir: '/home/ada/.netguardian' },
  );
  return { host, child, forks, log };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('core host', () => {
  it('forks coreProcess with the data directory as coreProcess.ts reads it', () => {
    const { forks } = launch();
    expect(forks).toEqual([
      {
        modulePath: '/app/dist/electron/coreProcess.js',
        args: ['--data', '/home/ada/.netguardian'],
        serviceName: 'NetGuardian core',
      },
    ]);
    expect(coreArgs('/d')).toEqual(['--data', '/d']);
  });

  it('adapts the child to a PortLike: messages both ways, and unsubscribing', () => {
    const { host, child } = launch();
    const received: unknown[] = [];
    const off = host.port.onMessage((m) => received.push(m));
    host.port.postMessage({ type: 'request', id: 1 });
    expect(child.posted).toEqual([{ type: 'request', id: 1 }]);
    child.emit('message', { type: 'response', id: 1 });
    off();
    child.emit('message', { type: 'response', id: 2 });
    expect(received).toEqual([{ type: 'response', id: 1 }]);
  });

  it('reports an unexpected exit with its code', async () => {
    const { host, child, log } = launch();
    child.emit('exit', 3);
    expect(await host.exited).toBe(3);
    expect(log.error).toHaveBeenCalledOnce();
  });

  it('shuts down gracefully: close, then wait for the exit without killing', async () => {
    const { host, child } = launch();
    const close = vi.fn(() => child.emit('exit', 0));
    await host.shutdown(close, 5_000);
    expect(close).toHaveBeenCalledOnce();
    expect(child.killed).toBe(false);
    expect(await host.exited).toBe('stopped');
  });

  it('kills a core that does not exit within the grace period', async () => {
    vi.useFakeTimers();
    const { host, child } = launch();
    const done = host.shutdown(() => undefined, 5_000);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(child.killed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(child.killed).toBe(true);
  });
});
