import { describe, expect, it } from 'vitest';
import type { PushMessage } from '../../../../src-shared/ipc/contract.js';
import { PushGate } from './pushGate.js';
import { TEST_STATE } from './testService.fixture.js';

const state = (files: number): PushMessage => ({
  channel: 'state',
  payload: { ...TEST_STATE, files },
});
const changed = (...paths: string[]): PushMessage => ({
  channel: 'files:changed',
  payload: { paths },
});
const activity: PushMessage = {
  channel: 'activity',
  payload: { id: 1, at: 0, kind: 'change', message: 'a changed' },
};

describe('PushGate', () => {
  it('passes every push while the client keeps up', () => {
    const gate = new PushGate(1000);
    expect(gate.offer(state(1), 0)).toEqual([state(1)]);
    expect(gate.offer(activity, 1000)).toEqual([activity]);
    expect(gate.dropped).toBe(0);
  });

  it('holds back the latest of each kind while it is behind, and sums up the rest', () => {
    const gate = new PushGate(1000);
    expect(gate.offer(state(1), 1001)).toEqual([]);
    expect(gate.offer(changed('a'), 5000)).toEqual([]);
    expect(gate.offer(activity, 5000)).toEqual([]);
    expect(gate.offer(state(2), 5000)).toEqual([]);
    expect(gate.offer(changed('b'), 5000)).toEqual([]);
    expect(gate.offer({ channel: 'conflicts:changed', payload: { count: 3 } }, 5000)).toEqual([]);
    expect(gate.dropped).toBe(6);
    // Oldest first by the last time each kind was offered; activity is gone.
    expect(gate.drained()).toEqual([
      state(2),
      changed(),
      { channel: 'conflicts:changed', payload: { count: 3 } },
    ]);
    expect(gate.drained()).toEqual([]);
  });

  it('sends what it held before the next push once the client caught up', () => {
    const gate = new PushGate(1000);
    gate.offer(state(1), 2000);
    expect(gate.offer(activity, 10)).toEqual([state(1), activity]);
    expect(gate.drained()).toEqual([]);
  });
});
