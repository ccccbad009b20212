import { describe, expect, it } from 'vitest';
import { chooseClusterHome, type HomeFacts } from './clusterLocation.js';
import { relocatedHome, shortSocketDir, socketPathFits } from './layout.js';

describe('where a cluster lives', () => {
  it('names a relocated home by the data dir, the same in every version', () => {
    // 16 hex of sha256("/root/.netguardian"), computed with sha256sum.
    expect(relocatedHome('/var/lib/netguardian/clusters', '/root/.netguardian')).toBe(
      '/var/lib/netguardian/clusters/a044e2fd13abb558',
    );
    expect(shortSocketDir('/tmp', '/var/lib/netguardian/clusters/abc')).toBe(
      '/tmp/netguardian-16d47c4159340015',
    );
  });

  it('fits a socket path of 107 bytes and no more (UTF-8 bytes, not characters)', () => {
    // "/.s.PGSQL.5432" is 14 bytes.
    expect(socketPathFits('/' + 'a'.repeat(107 - 14 - 1), 5432)).toBe(true);
    expect(socketPathFits('/' + 'a'.repeat(107 - 14), 5432)).toBe(false);
    // "é" is two bytes.
    expect(socketPathFits('/' + 'é'.repeat(46), 5432)).toBe(true);
    expect(socketPathFits('/' + 'é'.repeat(47), 5432)).toBe(false);
  });

  const facts: HomeFacts = {
    realDataDir: '/home/anna/.netguardian',
    recorded: undefined,
    recordedByOriginal: false,
    localHome: '/home/anna/.netguardian/postgres',
    localClusterExists: false,
    blockedFolder: undefined,
    relocatedHome: '/var/lib/netguardian/clusters/0123456789abcdef',
  };
  const elsewhere = '/var/lib/netguardian/clusters/fedcba9876543210';

  it('keeps the cluster in the data dir when the server user can reach it', () => {
    expect(chooseClusterHome(facts)).toEqual({ kind: 'local', home: facts.localHome });
  });

  it('relocates a new cluster when a folder above the data dir is closed to the server user', () => {
    expect(chooseClusterHome({ ...facts, blockedFolder: '/root' })).toEqual({
      kind: 'relocate',
      home: facts.relocatedHome,
    });
  });

  it('follows a recorded location first, also after the data dir moved', () => {
    const recorded = { version: 1, home: elsewhere, dataDir: facts.realDataDir } as const;
    expect(chooseClusterHome({ ...facts, recorded, blockedFolder: '/root' })).toEqual({
      kind: 'recorded',
      home: elsewhere,
      moved: false,
    });
    const before = { ...recorded, dataDir: '/root/old-place' };
    expect(chooseClusterHome({ ...facts, recorded: before })).toEqual({
      kind: 'recorded',
      home: elsewhere,
      moved: true,
    });
  });

  it('refuses a copied data dir whose original still uses the recorded cluster', () => {
    const recorded = { version: 1, home: elsewhere, dataDir: '/root/.netguardian' } as const;
    expect(chooseClusterHome({ ...facts, recorded, recordedByOriginal: true })).toEqual({
      kind: 'copied',
      home: elsewhere,
      original: '/root/.netguardian',
    });
  });

  it('refuses to abandon an existing cluster the server user can no longer reach', () => {
    expect(
      chooseClusterHome({ ...facts, localClusterExists: true, blockedFolder: '/home/anna' }),
    ).toEqual({ kind: 'blocked', home: facts.localHome, folder: '/home/anna' });
  });
});
