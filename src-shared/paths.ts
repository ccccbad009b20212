import { NetGuardianError } from './errors.js';
import { err, ok, type Result } from './result.js';

/**
 * Rules for entity ids: a file's path relative to the folder root, `/`-separated, its names as
 * the file system gave them (no Unicode normalization: on Linux `café` in NFC and in NFD are two
 * files, and both sync). These rules refuse only what is unsafe on every device: an empty,
 * absolute or too long path, an empty, `.` or `..` segment, NUL, text that is not valid Unicode.
 * A name only some platforms refuse (`a:b.txt`, `aux.txt`, a tab) is valid here: a device
 * records every name its file system allows, and a receiver that can't write one lists it
 * instead (`nameRules.ts`).
 */

export const MAX_PATH_BYTES = 4096;
export const MAX_SEGMENT_BYTES = 255;

// A UTF-16 surrogate without its pair: not a character, so no file name in UTF-8.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Byte length of a string in UTF-8, without relying on TextEncoder (not in shared's lib). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

const invalid = (path: string, why: string): Result<never, NetGuardianError> =>
  err(new NetGuardianError('InvalidPath', `path ${JSON.stringify(path)} ${why}`, 'entityId'));

/**
 * Checks an entity id exactly as given: what every device refuses (a peer's event with such a
 * path is quarantined). Use `normalizeEntityPath` for input from the local side.
 */
export function validateEntityPath(path: string): Result<string, NetGuardianError> {
  if (path.length === 0) return invalid(path, 'is empty');
  if (path.includes('\u0000')) return invalid(path, 'contains a NUL byte');
  if (LONE_SURROGATE.test(path)) return invalid(path, 'is not valid Unicode');
  if (path.startsWith('/')) return invalid(path, 'is absolute');
  if (utf8Length(path) > MAX_PATH_BYTES)
    return invalid(path, `is longer than ${MAX_PATH_BYTES} bytes`);
  for (const segment of path.split('/')) {
    if (segment === '') return invalid(path, 'has an empty segment');
    if (segment === '.' || segment === '..') return invalid(path, `has a "${segment}" segment`);
    if (utf8Length(segment) > MAX_SEGMENT_BYTES)
      return invalid(path, `has a name longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  return ok(path);
}

/**
 * A path from the local side (the watcher, the UI, the API) as an entity id: a leading "./"
 * dropped, then validated. Names are kept as they are: separators are already `/` (the folder
 * layer joins names with `/`; on Linux a backslash is part of a name), and Unicode is not
 * normalized (the file system's own spelling is the file's identity).
 */
export function normalizeEntityPath(input: string): Result<string, NetGuardianError> {
  let path = input;
  while (path.startsWith('./')) path = path.slice(2);
  return validateEntityPath(path);
}

/** Ids of devices (node ids) and spaces: short, ASCII, safe in file names and SQL values. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validateId(
  kind: 'nodeId' | 'spaceId',
  id: string,
): Result<string, NetGuardianError> {
  if (ID_PATTERN.test(id)) return ok(id);
  return err(
    new NetGuardianError(
      'InvalidArgument',
      `${kind} ${JSON.stringify(id)} must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit`,
      kind,
    ),
  );
}
