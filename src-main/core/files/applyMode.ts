import { chmodSync, fchmodSync } from 'node:fs';

/**
 * Gives a file the permission bits the store asks for, as far as its file system lets it: some
 * can't hold group or other bits, or any (FAT, SMB, exFAT refuse or ignore chmod). That is not
 * an error: the content is written, the file keeps the bits it can have, and its index row
 * records what is really there, so nothing is recorded back as a local change.
 * Returns whether the call took.
 */
export function applyMode(abs: string, mode: number): boolean {
  try {
    chmodSync(abs, mode);
    return true;
  } catch (e) {
    if (cannotHoldModes(e)) return false;
    throw e;
  }
}

/** `applyMode` on an open file (a temp file being written). */
export function applyModeFd(fd: number, mode: number): boolean {
  try {
    fchmodSync(fd, mode);
    return true;
  } catch (e) {
    if (cannotHoldModes(e)) return false;
    throw e;
  }
}

const cannotHoldModes = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP';
};
