import { describe, expect, it } from 'vitest';
import { DiskSpace, receivedFileError, refusalError, type SpaceClaim } from './diskSpace.js';

const MiB = 1024 * 1024;

/** A 16 MiB disk with `free` bytes free, mounted at `/` (the folder used is `/`). */
function disk(free: { bytes: number }, limits = { reserveBytes: MiB, maxFileBytes: 8 * MiB }) {
  return new DiskSpace({
    limits: () => limits,
    measure: () => ({ freeBytes: free.bytes, sizeBytes: 16 * MiB }),
  });
}

function claimed(space: DiskSpace, bytes: number): SpaceClaim {
  const claim = space.claim('/', bytes);
  if (!claim.ok) throw new Error(`refused: ${JSON.stringify(claim.error)}`);
  return claim.value;
}

describe('DiskSpace', () => {
  it('counts the writes under way: of three 3 MiB files with 7 MiB to spare, the third waits', () => {
    const free = { bytes: 8 * MiB };
    const space = disk(free);
    const a = claimed(space, 3 * MiB);
    const b = claimed(space, 3 * MiB);
    // 8 free - 1 kept - 6 under way = 1 MiB left for 3 MiB: 2 MiB more.
    expect(space.claim('/', 3 * MiB)).toEqual({
      ok: false,
      error: { kind: 'no-space', bytes: 3 * MiB, more: 2 * MiB, volume: '/', reserveBytes: MiB },
    });
    // Written, a's bytes show in the free space instead: still 2 MiB more.
    a.wrote(3 * MiB);
    free.bytes -= 3 * MiB;
    a.release();
    expect(space.inFlightBytes).toBe(3 * MiB);
    expect(space.check('/', 3 * MiB)).toMatchObject({ ok: false, error: { more: 2 * MiB } });
    // b given up (its temp file removed): 8 - 3 - 1 = 4 MiB usable, the third fits.
    b.release();
    b.release();
    expect(space.inFlightBytes).toBe(0);
    expect(space.usable('/')).toBe(4 * MiB);
    expect(space.check('/', 3 * MiB)).toEqual({ ok: true, value: undefined });
  });

  it('refuses a file over the per-file maximum whatever the space', () => {
    const space = disk({ bytes: 16 * MiB });
    expect(space.claim('/', 8 * MiB + 1)).toEqual({
      ok: false,
      error: { kind: 'too-large', bytes: 8 * MiB + 1, maxFileBytes: 8 * MiB },
    });
    expect(space.inFlightBytes).toBe(0);
    expect(space.check('/', 8 * MiB).ok).toBe(true);
  });

  it('says in words why, for the list and for a command', () => {
    const noSpace = {
      kind: 'no-space',
      bytes: 3 * MiB,
      more: 1288490189, // 1.2 GiB
      volume: '/home',
      reserveBytes: 1024 * MiB,
    } as const;
    expect(receivedFileError(noSpace).toInfo()).toEqual({
      code: 'NoSpace',
      message:
        'it needs 1.2 GB more free space on /home (NetGuardian keeps 1.0 GB free there): it is written by itself once there is room',
      field: 'content',
    });
    expect(refusalError('restoring notes.txt', noSpace).toInfo()).toEqual({
      code: 'NoSpace',
      message:
        'restoring notes.txt: it needs 1.2 GB more free space on /home (NetGuardian keeps 1.0 GB free there); nothing was written: free some space and try again',
      field: 'size',
    });
    const tooLarge = {
      kind: 'too-large',
      bytes: 1024 * 1024 * MiB,
      maxFileBytes: 8 * MiB,
    } as const;
    expect(receivedFileError(tooLarge).toInfo()).toEqual({
      code: 'PayloadTooLarge',
      message:
        'it is too large to sync: 1.0 TB, over the 8.0 MB this device takes for one file (maxFileBytes in its config.json); raise the limit to have it here',
      field: 'content',
    });
  });

  it('does not refuse where the disk cannot be measured, unless a write met ENOSPC', () => {
    const space = new DiskSpace({ measure: () => undefined });
    expect(space.check('/', 5 * MiB).ok).toBe(true);
    expect(space.usable('/')).toBeUndefined();
    expect(space.shortOf('/', 5 * MiB, 1)).toEqual({
      kind: 'no-space',
      bytes: 5 * MiB,
      more: 1,
      volume: '/',
      reserveBytes: 0,
    });
  });
});
