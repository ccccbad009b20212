import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  folderModeMatches,
  folderModeToSet,
  forgetUmask,
  isExec,
  lacksOwnerRwx,
  modeMatches,
  modeToApply,
  modeToWrite,
  processUmask,
  wantedFolderMode,
  wantedMode,
} from './fileModes.js';

/** Runs the describe's tests under `mask`, the process's own put back after. */
function underUmask(mask: number) {
  let saved = 0;
  beforeAll(() => {
    saved = process.umask(mask);
    forgetUmask();
  });
  afterAll(() => {
    process.umask(saved);
    forgetUmask();
  });
}

describe('permission bits under umask 022', () => {
  underUmask(0o022);
  it('reads `mode` from the fields, masked to rwx for owner, group and others', () => {
    expect(wantedMode({ mode: 0o640 })).toEqual({ kind: 'bits', bits: 0o640 });
    expect(wantedMode({ mode: 0o4755, exec: false })).toEqual({ kind: 'bits', bits: 0o755 });
    expect(wantedMode({ mode: 0o100700 })).toEqual({ kind: 'bits', bits: 0o700 });
  });

  it('falls back to the older `exec` when there is no usable `mode`', () => {
    expect(wantedMode({ exec: true })).toEqual({ kind: 'exec', exec: true });
    expect(wantedMode({})).toEqual({ kind: 'exec', exec: false });
    expect(wantedMode({ mode: -1, exec: true })).toEqual({ kind: 'exec', exec: true });
    expect(wantedMode({ mode: '0755', exec: true })).toEqual({ kind: 'exec', exec: true });
    expect(wantedMode({ mode: 1.5 })).toEqual({ kind: 'exec', exec: false });
  });

  it('writes a `mode` masked by the umask, whatever the replaced file had', () => {
    expect(processUmask()).toBe(0o022);
    expect(modeToWrite(undefined, { kind: 'bits', bits: 0o640 })).toBe(0o640);
    expect(modeToWrite(0o100755, { kind: 'bits', bits: 0o600 })).toBe(0o600);
    expect(modeToWrite(0o100600, { kind: 'bits', bits: 0o777 })).toBe(0o755);
  });

  it('for an older `exec`: new files 0644 or 0755; replaced ones keep r/w, x follows r', () => {
    expect(modeToWrite(undefined, { kind: 'exec', exec: false })).toBe(0o644);
    expect(modeToWrite(undefined, { kind: 'exec', exec: true })).toBe(0o755);
    expect(modeToWrite(0o100600, { kind: 'exec', exec: true })).toBe(0o700);
    expect(modeToWrite(0o100755, { kind: 'exec', exec: false })).toBe(0o644);
    expect(modeToWrite(0o100640, { kind: 'exec', exec: true })).toBe(0o750);
    expect(modeToWrite(0o104755, { kind: 'exec', exec: true })).toBe(0o755);
  });

  it('matches the disk: all bits for a `mode`; x bits and no local chmod for an `exec`', () => {
    expect(modeMatches({ kind: 'bits', bits: 0o640 }, 0o640, undefined)).toBe(true);
    expect(modeMatches({ kind: 'bits', bits: 0o640 }, 0o644, 0o100640)).toBe(false);
    expect(modeMatches({ kind: 'exec', exec: true }, 0o755, undefined)).toBe(true);
    expect(modeMatches({ kind: 'exec', exec: true }, 0o755, 0o100755)).toBe(true);
    expect(modeMatches({ kind: 'exec', exec: false }, 0o755, 0o100755)).toBe(false);
    // 0644 → 0600 here on a file an older event described: a chmod to record.
    expect(modeMatches({ kind: 'exec', exec: false }, 0o600, 0o100644)).toBe(false);
  });

  it('only the executable bits make a file executable', () => {
    expect(isExec(0o100644)).toBe(false);
    expect(isExec(0o100744)).toBe(true);
    expect(isExec(0o100601)).toBe(true);
  });
});

describe('folders’ permission bits', () => {
  it('a folder’s `folderMode`, masked; none for a folder recorded before folders’ modes synced', () => {
    expect(wantedFolderMode({ folderMode: 0o750 })).toBe(0o750);
    expect(wantedFolderMode({ folderMode: 0o41777 })).toBe(0o777);
    expect(wantedFolderMode({})).toBeUndefined();
    // A file's `mode` at the same path (the file it replaced, or lost to) is not the folder's.
    expect(wantedFolderMode({ mode: 0o644 })).toBeUndefined();
    expect(wantedFolderMode({ mode: 0o644, folderMode: 0o700 })).toBe(0o700);
    // Folders never had `exec`: it says nothing about a folder's bits.
    expect(wantedFolderMode({ exec: true })).toBeUndefined();
  });

  it('matches the disk: all bits for a `mode`; without one, unchanged since indexed', () => {
    expect(folderModeMatches(0o750, 0o750, 0o040755)).toBe(true);
    expect(folderModeMatches(0o750, 0o755, 0o040750)).toBe(false);
    expect(folderModeMatches(undefined, 0o755, 0o040755)).toBe(true);
    expect(folderModeMatches(undefined, 0o700, undefined)).toBe(true);
    expect(folderModeMatches(undefined, 0o700, 0o040755)).toBe(false);
  });

  it('owner rwx is what writing in a folder takes', () => {
    expect(lacksOwnerRwx(0o040755)).toBe(false);
    expect(lacksOwnerRwx(0o040700)).toBe(false);
    expect(lacksOwnerRwx(0o040555)).toBe(true);
    expect(lacksOwnerRwx(0o040644)).toBe(true);
    expect(lacksOwnerRwx(0o040300)).toBe(true);
  });

  it('sets the synced bits and keeps the folder’s own setgid and sticky bits', () => {
    expect(folderModeToSet(0o042775, 0o750)).toBe(0o2750);
    expect(folderModeToSet(0o041777, 0o755)).toBe(0o1755);
    expect(folderModeToSet(0o040755, 0o4700)).toBe(0o700);
  });
});

describe('permission bits under umask 077', () => {
  underUmask(0o077);

  it('reads the umask without changing it', () => {
    expect(processUmask()).toBe(0o077);
    expect(process.umask(0o077)).toBe(0o077);
  });

  it('writes a received version private: its bits masked by the umask', () => {
    expect(modeToWrite(undefined, { kind: 'bits', bits: 0o644 })).toBe(0o600);
    expect(modeToWrite(undefined, { kind: 'bits', bits: 0o755 })).toBe(0o700);
    expect(modeToWrite(undefined, { kind: 'exec', exec: false })).toBe(0o600);
    expect(modeToWrite(undefined, { kind: 'exec', exec: true })).toBe(0o700);
  });

  it('counts the masked bits as the version’s: nothing to record, nothing to set again', () => {
    expect(modeMatches({ kind: 'bits', bits: 0o644 }, 0o600, 0o100600)).toBe(true);
    // A chmod made here to the version's own bits is the version's too.
    expect(modeMatches({ kind: 'bits', bits: 0o644 }, 0o644, 0o100600)).toBe(true);
    expect(modeMatches({ kind: 'bits', bits: 0o644 }, 0o640, 0o100600)).toBe(false);
    expect(modeToApply(0o100600, { kind: 'bits', bits: 0o644 })).toBeUndefined();
    expect(modeToApply(0o100644, { kind: 'bits', bits: 0o644 })).toBeUndefined();
    expect(modeToApply(0o100600, { kind: 'bits', bits: 0o755 })).toBe(0o700);
    expect(modeToApply(0o100600, { kind: 'exec', exec: true })).toBe(0o700);
    expect(modeToApply(0o100700, { kind: 'exec', exec: true })).toBeUndefined();
  });
});
