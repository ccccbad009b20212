import { describe, expect, it } from 'vitest';
import { DeviceTurns } from './deviceTurns.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('DeviceTurns', () => {
  it('lets two requests of a device work at once, queues the third, and never holds up another device', async () => {
    const turns = new DeviceTurns(2);
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const work = (name: string) => () =>
      new Promise<void>((resolve) => {
        started.push(name);
        release.set(name, resolve);
      });
    const all = [
      turns.run('a', work('a1')),
      turns.run('a', work('a2')),
      turns.run('a', work('a3')),
      turns.run('b', work('b1')),
    ];
    await tick();
    expect(started).toEqual(['a1', 'a2', 'b1']);
    release.get('a1')?.();
    await tick();
    await tick();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    for (const name of ['a2', 'a3', 'b1']) release.get(name)?.();
    await Promise.all(all);
  });

  it('frees the turn when the work fails', async () => {
    const turns = new DeviceTurns(1);
    await expect(turns.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(turns.run('a', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
