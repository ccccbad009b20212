import { describe, expect, it } from 'vitest';
import { deviceLines, seenWords, spaceLines } from './hubPrinting.js';

const NOW = Date.parse('2026-12-06T12:00:00.000Z');

describe('seenWords', () => {
  it('says online, never seen, or how long ago in words', () => {
    expect(seenWords({ online: true, lastSeen: '2026-12-06T11:00:00.000Z' }, NOW)).toBe('online');
    expect(seenWords({ online: false, lastSeen: null }, NOW)).toBe('never seen');
    expect(seenWords({ online: false, lastSeen: '2026-12-06T11:59:30.000Z' }, NOW)).toBe(
      'last seen just now',
    );
    expect(seenWords({ online: false, lastSeen: '2026-12-06T11:59:00.000Z' }, NOW)).toBe(
      'last seen 1 minute ago',
    );
    expect(seenWords({ online: false, lastSeen: '2026-12-06T11:55:00.000Z' }, NOW)).toBe(
      'last seen 5 minutes ago',
    );
    expect(seenWords({ online: false, lastSeen: '2026-12-06T09:00:00.000Z' }, NOW)).toBe(
      'last seen 3 hours ago',
    );
    expect(seenWords({ online: false, lastSeen: '2026-12-01T12:00:00.000Z' }, NOW)).toBe(
      'last seen 5 days ago',
    );
  });
});

describe('deviceLines', () => {
  it('lines the columns up: space, name, node id, then online / last seen / revoked', () => {
    expect(
      deviceLines(
        [
          {
            spaceId: 'photos',
            deviceName: 'laptop',
            nodeId: 'laptop-3f2a9c1e',
            online: true,
            lastSeen: '2026-12-06T11:59:59.000Z',
            revoked: false,
          },
          {
            spaceId: 'photos',
            deviceName: 'phone',
            nodeId: 'phone-81d0b7a2',
            online: false,
            lastSeen: '2026-12-06T11:55:00.000Z',
            revoked: false,
          },
          {
            spaceId: 'docs',
            deviceName: 'old-tablet',
            nodeId: 'old-tablet-0a1b2c3d',
            online: false,
            lastSeen: null,
            revoked: true,
          },
        ],
        NOW,
      ),
    ).toEqual([
      'photos  laptop      laptop-3f2a9c1e      online',
      'photos  phone       phone-81d0b7a2       last seen 5 minutes ago',
      'docs    old-tablet  old-tablet-0a1b2c3d  revoked (never seen)',
    ]);
  });

  it('says how to invite one when there is none', () => {
    expect(deviceLines([], NOW)).toEqual([
      'no paired devices (invite one: netguardian hub invite --data DIR)',
    ]);
  });
});

describe('spaceLines', () => {
  it('one line per space under a header: devices, events, chunks, bytes stored and the quota', () => {
    expect(
      spaceLines([
        {
          spaceId: 'family',
          devices: 3,
          events: 12_403,
          chunks: 9_812,
          chunksAsObjects: 9_812,
          bytes: 1_288_490_189,
          quotaBytes: 5 * 1024 ** 3,
        },
        {
          spaceId: 'work',
          devices: 1,
          events: 7,
          chunks: 20,
          chunksAsObjects: 5,
          bytes: 1536,
          quotaBytes: null,
        },
      ]),
    ).toEqual([
      'space   devices  events  chunks                    stored  quota',
      'family  3        12,403  9,812                     1.2 GB  5.0 GB (24% used)',
      'work    1        7       20 (5 in object storage)  1.5 KB  none',
    ]);
  });

  it('says how to start when the hub has no space yet', () => {
    expect(spaceLines([])).toEqual([
      'no spaces yet: a space begins when its first device joins (invite one: netguardian hub invite --data DIR --space NAME)',
    ]);
  });
});
