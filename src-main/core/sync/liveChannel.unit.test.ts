import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../log.js';
import { LiveChannel } from './liveChannel.js';

/**
 * The live channel's reconnection, with fake time: a hub that refuses connections is tried again
 * after 1 s, 2 s, 4 s … at most 30 s apart; a channel that dies is reopened; each opening syncs.
 */
interface Listener {
  readonly onEvents: (spaceId: string) => void;
  readonly onLost: (error: Error) => void;
  closed: boolean;
}

function harness() {
  let hubUp = false;
  const attempts: number[] = [];
  const listeners: Listener[] = [];
  const counts = { announced: 0, connected: 0, problems: 0 };
  const channel = new LiveChannel({
    spaceId: 'photos',
    listen: (onEvents, onLost) => {
      attempts.push(Date.now());
      if (!hubUp)
        return Promise.reject(
          Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        );
      const listener: Listener = { onEvents, onLost, closed: false };
      listeners.push(listener);
      return Promise.resolve(() => {
        listener.closed = true;
        return Promise.resolve();
      });
    },
    onAnnounce: () => counts.announced++,
    onConnected: () => counts.connected++,
    onProblem: () => counts.problems++,
    log: silentLogger,
  });
  return {
    channel,
    attempts,
    listeners,
    counts,
    setHub: (up: boolean) => (hubUp = up),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveChannel', () => {
  it('tries a hub that is down again after 1, 2, 4, 8, 16, 30, 30 s', async () => {
    const h = harness();
    await h.channel.start();
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000 + 16_000 + 30_000 + 30_000);
    const gaps = h.attempts.slice(1).map((t, i) => t - (h.attempts[i] as number));
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(h.channel.connected).toBe(false);
    expect(h.counts.problems).toBe(8);
    expect(h.counts.connected).toBe(0);
    await h.channel.stop();
  });

  it('opens once the hub is back, syncs, and passes on announcements of its space only', async () => {
    const h = harness();
    await h.channel.start();
    await vi.advanceTimersByTimeAsync(3_000); // attempts at 0, 1 s, 3 s
    h.setHub(true);
    await vi.advanceTimersByTimeAsync(4_000); // the next, at 7 s, opens it
    expect(h.channel.connected).toBe(true);
    expect(h.counts.connected).toBe(1);
    const open = h.listeners[0] as Listener;
    open.onEvents('photos');
    open.onEvents('someone-else');
    expect(h.counts.announced).toBe(1);
    await h.channel.stop();
    expect(open.closed).toBe(true);
  });

  it('reopens a channel whose connection died, after 1 s, and syncs again', async () => {
    const h = harness();
    h.setHub(true);
    await h.channel.start();
    expect(h.counts.connected).toBe(1);
    const first = h.listeners[0] as Listener;
    h.setHub(false);
    first.onLost(new Error('Connection terminated unexpectedly'));
    expect(h.channel.connected).toBe(false);
    // An announcement from the dead connection changes nothing.
    first.onEvents('photos');
    expect(h.counts.announced).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000); // refused
    h.setHub(true);
    await vi.advanceTimersByTimeAsync(2_000); // opened
    expect(h.channel.connected).toBe(true);
    expect(h.counts.connected).toBe(2);
    expect(h.listeners).toHaveLength(2);
    await h.channel.stop();
  });

  it('stops trying once stopped', async () => {
    const h = harness();
    await h.channel.start();
    await h.channel.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.attempts).toHaveLength(1);
  });
});
