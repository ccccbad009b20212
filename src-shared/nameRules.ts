/**
 * Which names a device can write, by platform and by folder: the rules a receiver applies to a
 * peer's path before it writes it (issue 12 point 5). A path that is unsafe anywhere (`..`, an
 * absolute path, NUL, too long) is refused for every device by `validateEntityPath` (paths.ts)
 * and never reaches these rules. Everything else is a name some file system holds: a device
 * records every name its own file system allows (Linux holds `a:b.txt`, `aux.txt`, a tab), and a
 * receiver that cannot write a name does not write it and lists it instead.
 *
 * Pure, with the platform as a parameter, so each platform's rules are tested on any machine.
 */

/** The platform whose rules apply (`process.platform`; anything else follows POSIX, as Linux). */
export type NamePlatform = string;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// C0 controls: Windows refuses them in names (DEL it allows).
// eslint-disable-next-line no-control-regex
const WINDOWS_CONTROL = /[\u0000-\u001f]/;
const WINDOWS_FORBIDDEN = /[<>:"|?*\\]/;

/** Why one name (a path segment) can't be written on Windows, in a few words; undefined if it can. */
function windowsProblem(segment: string): string | undefined {
  const forbidden = WINDOWS_FORBIDDEN.exec(segment);
  if (forbidden) return `has ${JSON.stringify(forbidden[0])}`;
  if (WINDOWS_CONTROL.test(segment)) return 'has a control character (such as a tab or a newline)';
  if (WINDOWS_RESERVED.test(segment))
    return `is ${JSON.stringify(segment)}, a name Windows reserves for a device`;
  if (segment.endsWith('.')) return 'ends in a dot';
  if (segment.endsWith(' ')) return 'ends in a space';
  return undefined;
}

/**
 * Why a path can't be written on `platform`, as the end of a sentence ("its name has ':'"),
 * naming the segment when it is a folder above the file; undefined when it can be.
 * macOS: `:` (the Finder's separator, shown as `/`). Windows: `< > : " | ? * \`, control
 * characters, a trailing dot or space, and the device names CON, PRN, AUX, NUL, COM0-9 and
 * LPT0-9 with any extension. Linux and other POSIX systems: none beyond the rules for every
 * device.
 */
export function nameProblem(entityId: string, platform: NamePlatform): string | undefined {
  const segments = entityId.split('/');
  for (const [i, segment] of segments.entries()) {
    let why: string | undefined;
    if (platform === 'win32') why = windowsProblem(segment);
    else if (platform === 'darwin' && segment.includes(':')) why = 'has ":"';
    if (why === undefined) continue;
    return i === segments.length - 1
      ? why
      : `is in the folder ${JSON.stringify(segments.slice(0, i + 1).join('/'))}, whose name ${why}`;
  }
  return undefined;
}

/** How a folder compares names: found by probing the folder itself (folderFolding.ts). */
export interface NameFolding {
  /** `A.txt` and `a.txt` are one file there (Windows, macOS by default). */
  readonly caseInsensitive: boolean;
  /** `café` in NFC and in NFD are one file there (macOS). */
  readonly normalizationInsensitive: boolean;
}

/** A folder that tells every two different names apart (Linux, usually). */
export const EXACT_NAMES: NameFolding = { caseInsensitive: false, normalizationInsensitive: false };

/** The key two paths share when the folder holds them as one file (equal keys: a collision). */
export function foldKey(entityId: string, folding: NameFolding): string {
  let key = entityId;
  if (folding.normalizationInsensitive) key = key.normalize('NFC');
  // Close to what NTFS and APFS do (one case per character); not `toUpperCase` first, which
  // would make "ß" and "ss" one name, as no file system does.
  if (folding.caseInsensitive) key = key.toLowerCase();
  return key;
}
