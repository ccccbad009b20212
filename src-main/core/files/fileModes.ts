import { readFileSync } from 'node:fs';
import type { Json } from '../../../src-shared/json.js';

/**
 * A file's permission bits as the folder layer syncs them: read, write and execute for owner,
 * group and others (0o777), one field `mode` in the file's metadata, last writer wins like every
 * other field (so a chmod on one device and a content edit on another both survive). Never
 * setuid, setgid or sticky: those are not synced, and a peer's value is masked to 0o777.
 *
 * Events written before modes synced carry only `exec` (whether any x bit was set). For those,
 * a receiver keeps its own file's read/write bits and sets or clears the x bits as before: the
 * event says nothing about the others, and inventing them (0o755, 0o644) would overwrite what
 * the user set on this device.
 */

/** The bits that sync. */
export const PERMISSION_BITS = 0o777;

export const permissionsOf = (mode: number): number => mode & PERMISSION_BITS;

export const isExec = (mode: number): boolean => (mode & 0o111) !== 0;

/** What the store says about a file's permissions. */
export type WantedMode =
  | { readonly kind: 'bits'; readonly bits: number }
  /** An event from before modes synced (or written without one): only the x bits. */
  | { readonly kind: 'exec'; readonly exec: boolean };

/** The permissions the store's fields ask for (`mode`, else the older `exec`). */
export function wantedMode(fields: Readonly<Record<string, Json>>): WantedMode {
  const mode = fields['mode'];
  if (typeof mode === 'number' && Number.isInteger(mode) && mode >= 0)
    return { kind: 'bits', bits: permissionsOf(mode) };
  return { kind: 'exec', exec: fields['exec'] === true };
}

let umask: number | undefined;

/**
 * This process's umask, read once. On Linux from /proc (`process.umask()` with no argument sets
 * the umask to 0 and back: a file another thread of the process created in between would be
 * world-writable); elsewhere from `process.umask()` on first use.
 */
export function processUmask(): number {
  if (umask !== undefined) return umask;
  try {
    const line = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    umask = line ? parseInt(line[1] as string, 8) : process.umask();
  } catch {
    umask = process.umask();
  }
  return umask;
}

/** For tests that change the umask: the next `processUmask()` reads it again. */
export function forgetUmask(): void {
  umask = undefined;
}

/**
 * A version's permission bits as this device gives them to a file it writes: masked by the user's
 * umask, as for any file a program creates (a user with umask 077 keeps received files private:
 * a version made 0644 elsewhere is 0600 here).
 */
export const maskedBits = (bits: number): number => permissionsOf(bits) & ~processUmask();

/**
 * Whether a file's bits on disk are a version's: the bits themselves (a chmod made here), or the
 * bits as this device wrote them (masked by its umask). Either way nothing changed here to record,
 * and nothing is to be set again.
 */
export const sameBits = (bits: number, diskBits: number): boolean =>
  permissionsOf(bits) === diskBits || maskedBits(bits) === diskBits;

/**
 * The permission bits to give a file whose content is written now, `previous` being the mode of
 * the file it replaces: a version's bits masked by the umask (`maskedBits`).
 */
export function modeToWrite(previous: number | undefined, wanted: WantedMode): number {
  if (wanted.kind === 'bits') return maskedBits(wanted.bits);
  const base = previous === undefined ? 0o644 & ~processUmask() : previous & 0o666;
  // x where r is: owner, group and others each get x only if they can read.
  return wanted.exec ? base | ((base & 0o444) >> 2) : base;
}

/**
 * The mode to set on a file whose content stays (the store changed its bits, or the disk's differ),
 * or undefined when its bits already are the store's (`sameBits`).
 */
export function modeToApply(current: number, wanted: WantedMode): number | undefined {
  const disk = permissionsOf(current);
  if (wanted.kind === 'bits')
    return sameBits(wanted.bits, disk) ? undefined : maskedBits(wanted.bits);
  const mode = modeToWrite(current, wanted);
  return mode === disk ? undefined : mode;
}

/**
 * Whether the disk's permissions (`diskBits`) are what the store asks for. For an older event
 * (only `exec`), the x bits must agree and nothing may have changed since the file was indexed
 * (`indexedMode`): a local chmod of the other bits is then a change to record, as a `mode`.
 */
export function modeMatches(
  wanted: WantedMode,
  diskBits: number,
  indexedMode: number | undefined,
): boolean {
  if (wanted.kind === 'bits') return sameBits(wanted.bits, diskBits);
  return (
    wanted.exec === isExec(diskBits) &&
    (indexedMode === undefined || permissionsOf(indexedMode) === diskBits)
  );
}

/**
 * The field a folder's permission bits sync in. Not `mode`: fields merge per name by HLC across
 * every version of a path, so a folder that won over a file (or replaced one) would otherwise
 * take the file's bits (0644: a folder no one can enter) whenever the file's event was the later.
 */
export const FOLDER_MODE_FIELD = 'folderMode';

/**
 * A folder's permission bits as the store asks for them (`folderMode`), or `undefined` for a
 * folder recorded without them (before folders' modes synced): such an event says nothing about
 * the bits, and the folder keeps the ones it has.
 */
export function wantedFolderMode(fields: Readonly<Record<string, Json>>): number | undefined {
  const mode = fields[FOLDER_MODE_FIELD];
  return typeof mode === 'number' && Number.isInteger(mode) && mode >= 0
    ? permissionsOf(mode)
    : undefined;
}

/**
 * Whether a folder's permissions on disk (`diskBits`) are what the store asks for: its bits, or
 * its bits less the umask (`sameBits`: a folder is given its version's bits as a file is). A
 * folder whose event has no `mode` matches as long as nothing changed since it was indexed
 * (`indexedMode`): a local chmod is then a change to record.
 */
export function folderModeMatches(
  wanted: number | undefined,
  diskBits: number,
  indexedMode: number | undefined,
): boolean {
  if (wanted !== undefined) return sameBits(wanted, diskBits);
  return indexedMode === undefined || permissionsOf(indexedMode) === diskBits;
}

/** The owner's read, write and search bits: what writing in a folder takes. */
export const OWNER_RWX = 0o700;

/** Whether the owner lacks any of read, write or search on a folder of this mode. */
export const lacksOwnerRwx = (mode: number): boolean => (mode & OWNER_RWX) !== OWNER_RWX;

/**
 * The mode to give a folder: `bits` as they sync less the umask, as for a file (a user with umask
 * 077 keeps received folders private: a folder made 0755 elsewhere is 0700 here, so others on the
 * machine can't list its names), with the folder's own setuid, setgid and sticky bits
 * (`current`), which never sync: a received mode must not clear a group folder's setgid.
 */
export const folderModeToSet = (current: number, bits: number): number =>
  (current & 0o7000) | maskedBits(bits);
