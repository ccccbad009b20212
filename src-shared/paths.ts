import { NetGuardianError } from './errors.js';
import { err, ok, type Result } from './result.js';

/**
 * Rules for entity ids: a file's path relative to the folder root, with POSIX
 * separators, in Unicode NFC. The same rules apply everywhere so a path that
 * is valid on one device is valid on all (Windows' reserved names are refused
 * on Linux too, or a Windows peer could never materialize the file).
 */

export const MAX_PATH_BYTES = 4096;
export const MAX_SEGMENT_BYTES = 255;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// C0 controls and DEL never belong in a file name we sync.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;

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
 * Checks an entity id exactly as given (peers must send normalized ids).
 * Use `normalizeEntityPath` for input from the local file system.
 */
export function validateEntityPath(path: string): Result<string, NetGuardianError> {
  if (path.length === 0) return invalid(path, 'is empty');
  if (path.includes('\u0000')) return invalid(path, 'contains a NUL byte');
  if (CONTROL_CHARS.test(path)) return invalid(path, 'contains a control character');
  if (path.includes('\\')) return invalid(path, 'contains a backslash (separators must be "/")');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return invalid(path, 'is absolute');
  if (path.normalize('NFC') !== path) {
    return invalid(
      path,
      `is not NFC-normalized (it would duplicate ${JSON.stringify(path.normalize('NFC'))})`,
    );
  }
  if (utf8Length(path) > MAX_PATH_BYTES)
    return invalid(path, `is longer than ${MAX_PATH_BYTES} bytes`);
  for (const segment of path.split('/')) {
    if (segment === '') return invalid(path, 'has an empty segment');
    if (segment === '.' || segment === '..') return invalid(path, `has a "${segment}" segment`);
    if (utf8Length(segment) > MAX_SEGMENT_BYTES)
      return invalid(path, `has a name longer than ${MAX_SEGMENT_BYTES} bytes`);
    if (WINDOWS_RESERVED.test(segment)) return invalid(path, `uses the reserved name "${segment}"`);
    if (WINDOWS_FORBIDDEN.test(segment))
      return invalid(path, `has a character not allowed in file names on Windows in "${segment}"`);
    if (segment.endsWith(' ') || segment.endsWith('.'))
      return invalid(path, `has a name ending in a space or dot ("${segment}")`);
  }
  return ok(path);
}

/**
 * Normalizes a path from the local side (OS separators, NFD from macOS, a
 * leading "./") to an entity id, then validates it.
 */
export function normalizeEntityPath(input: string): Result<string, NetGuardianError> {
  let path = input.replace(/\\/g, '/').normalize('NFC');
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
