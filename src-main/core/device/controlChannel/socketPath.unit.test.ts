import { describe, expect, it } from 'vitest';
import { chooseSocketPlace, MAX_SOCKET_PATH_BYTES } from './socketPath.js';

/**
 * Pinned: an owner and a CLI of different versions must find each other. Hashes computed
 * outside this code (`printf '%s' <path> | sha256sum | cut -c1-16`).
 */
describe('chooseSocketPlace', () => {
  const linux = { platform: 'linux' as const, tmpDir: '/tmp', uid: 1000 };

  it('puts the socket in the data dir when the path fits', () => {
    expect(chooseSocketPlace({ ...linux, realDataDir: '/home/ana/.netguardian' })).toEqual({
      path: '/home/ana/.netguardian/control.sock',
      privateDir: null,
    });
  });

  it('falls back to a per-user folder under the temp dir, named by the hash, when it does not', () => {
    const realDataDir = `/home/ana/${'x'.repeat(100)}`;
    expect(chooseSocketPlace({ ...linux, realDataDir })).toEqual({
      path: '/tmp/netguardian-1000/70c3c1e4c87436b2.sock',
      privateDir: '/tmp/netguardian-1000',
    });
  });

  it('cuts at 103 bytes, counting bytes, not characters', () => {
    const fits = `/d/${'a'.repeat(MAX_SOCKET_PATH_BYTES - '/d//control.sock'.length)}`;
    expect(chooseSocketPlace({ ...linux, realDataDir: fits }).privateDir).toBeNull();
    expect(Buffer.byteLength(chooseSocketPlace({ ...linux, realDataDir: fits }).path)).toBe(103);
    const oneOver = `${fits}a`;
    expect(chooseSocketPlace({ ...linux, realDataDir: oneOver }).privateDir).toBe(
      '/tmp/netguardian-1000',
    );
    // 'é' is two bytes in UTF-8: the same number of characters no longer fits.
    const accented = `/d/é${'a'.repeat(MAX_SOCKET_PATH_BYTES - '/d//control.sock'.length - 1)}`;
    expect(chooseSocketPlace({ ...linux, realDataDir: accented }).privateDir).not.toBeNull();
  });

  it('uses a named pipe on Windows, from the path in lower case', () => {
    const place = chooseSocketPlace({
      platform: 'win32',
      tmpDir: 'C:\\Temp',
      uid: undefined,
      realDataDir: 'C:\\Users\\Ana\\AppData\\Roaming\\NetGuardian',
    });
    expect(place).toEqual({ path: '\\\\.\\pipe\\netguardian-d36072834ebc1c2b', privateDir: null });
  });

  it("names the fallback socket by the data dir's path alone", () => {
    expect(
      chooseSocketPlace({
        ...linux,
        tmpDir: '/var/tmp',
        realDataDir: `/home/ana/${'x'.repeat(100)}`,
      }).path,
    ).toBe('/var/tmp/netguardian-1000/70c3c1e4c87436b2.sock');
  });
});
