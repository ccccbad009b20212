import { describe, expect, it, vi } from 'vitest';
import { claimSingleInstance, type SingleInstanceApp } from './singleInstance.js';

function fakeApp(gotLock: boolean) {
  const listeners: Array<() => void> = [];
  const quit = vi.fn<() => void>();
  const app: SingleInstanceApp = {
    requestSingleInstanceLock: () => gotLock,
    quit,
    on: (_event, listener) => listeners.push(listener),
  };
  return { app, quit, secondLaunch: () => listeners.forEach((l) => l()), listeners };
}

describe('single instance', () => {
  it('the first instance keeps running and reveals its window on a second launch', () => {
    const { app, quit, secondLaunch } = fakeApp(true);
    const reveal = vi.fn();
    expect(claimSingleInstance(app, reveal)).toBe(true);
    expect(quit).not.toHaveBeenCalled();
    secondLaunch();
    expect(reveal).toHaveBeenCalledOnce();
  });

  it('a second instance quits at once and listens to nothing', () => {
    const { app, quit, listeners } = fakeApp(false);
    expect(claimSingleInstance(app, vi.fn())).toBe(false);
    expect(quit).toHaveBeenCalledOnce();
    expect(listeners).toHaveLength(0);
  });
});
