import { describe, expect, it } from 'vitest';
import { createNameBook, nameFromNodeId, type PeerNames } from './deviceNames.js';

/** The hub's list as a test sets it; `asked` counts the questions. */
function hubList(entries: { nodeId: string; deviceName: string }[]) {
  const hub = {
    entries,
    asked: 0,
    answer: Promise.resolve(),
    list() {
      hub.asked += 1;
      const listed = [...hub.entries];
      const answer = Promise.resolve(listed);
      hub.answer = answer.then(() => undefined);
      return answer;
    },
  };
  return hub;
}

/** Lets the background refresh's promise chain settle. */
const settled = async (hub: { answer: Promise<void> }) => {
  await hub.answer;
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('device names', () => {
  it('reads another device’s name from its node id, this device’s from its config', () => {
    expect(nameFromNodeId('annas-laptop-1a2b3c4d')).toBe('annas-laptop');
    const book = createNameBook('laptop-00000000', () => 'Ada’s Laptop');
    expect(book.nameOf('laptop-00000000')).toBe('Ada’s Laptop');
    expect(book.nameOf('desktop-1a2b3c4d')).toBe('desktop');
  });

  it('takes the hub’s names once known, and asks again only when they are old', async () => {
    let now = 1_000;
    const hub = hubList([{ nodeId: 'desktop-1a2b3c4d', deviceName: 'Studio desktop' }]);
    const book = createNameBook('laptop-00000000', () => 'laptop', {
      peers: () => Promise.resolve<PeerNames>(hub),
      refreshMs: 60_000,
      now: () => now,
    });
    // The first lookup answers at once from the id, and asks the hub.
    expect(book.nameOf('desktop-1a2b3c4d')).toBe('desktop');
    await settled(hub);
    expect(book.nameOf('desktop-1a2b3c4d')).toBe('Studio desktop');
    expect(hub.asked).toBe(1);

    hub.entries = [{ nodeId: 'desktop-1a2b3c4d', deviceName: 'Render box' }];
    now += 59_000;
    expect(book.nameOf('desktop-1a2b3c4d')).toBe('Studio desktop');
    expect(hub.asked).toBe(1);
    now += 1_000;
    book.nameOf('desktop-1a2b3c4d');
    await settled(hub);
    expect(book.nameOf('desktop-1a2b3c4d')).toBe('Render box');
    expect(hub.asked).toBe(2);
  });

  it('keeps what it knew when the hub can’t be asked', async () => {
    let now = 0;
    let reachable = true;
    const hub = hubList([{ nodeId: 'desktop-1a2b3c4d', deviceName: 'Studio desktop' }]);
    const book = createNameBook('laptop-00000000', () => 'laptop', {
      peers: () =>
        reachable ? Promise.resolve<PeerNames>(hub) : Promise.reject(new Error('ECONNREFUSED')),
      refreshMs: 10,
      now: () => now,
    });
    book.nameOf('desktop-1a2b3c4d');
    await settled(hub);
    reachable = false;
    now += 10;
    expect(book.nameOf('desktop-1a2b3c4d')).toBe('Studio desktop');
    await settled(hub);
    expect(book.nameOf('desktop-1a2b3c4d')).toBe('Studio desktop');
  });
});
