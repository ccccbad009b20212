import type { ContentRef } from './events/event.js';
import { MAX_PATH_BYTES, MAX_SEGMENT_BYTES, utf8Length } from './paths.js';

/** What a conflict copy's name is made of: the losing version's device, time and content. */
export interface CopiedVersion {
  readonly nodeId: string;
  /** Wall time of the write (ISO 8601). */
  readonly timestamp: string;
  /** Its content; a delete (`null`) has no copy. */
  readonly value: Pick<ContentRef, 'hash'> | null;
}

/** Hex digits of the content hash in a copy's name. */
const SHORT_HASH_LENGTH = 8;

/**
 * The name of a conflict copy, deterministic from the losing version alone, so
 * every device that sees the same conflict writes the same copy:
 * `<stem>.conflict-<device>-<yyyymmdd-hhmmss>-<hash8><ext>`, e.g.
 * `report.conflict-laptop-20261126-052540-3f9a1c2e.pdf`, where `hash8` is the
 * start of the version's content hash (SHA-256). The hash makes the name unique
 * per version, not per second (two versions from one device in one second got
 * one name before), and versions with the same bytes (one version, DESIGN.md
 * §3) get the same name. The time is the write's, in UTC.
 *
 * The extension is what follows the last dot of the name, unless that dot
 * leads the name (`.bashrc` has none). A name that would pass 255 UTF-8 bytes
 * (or a path past 4096) loses the end of its stem, then of its extension,
 * never half a character.
 */
export function conflictCopyPath(entityId: string, loser: CopiedVersion): string {
  const { dir, stem, ext } = splitName(entityId);
  if (!loser.value) throw new Error(`a delete of ${entityId} has no conflict copy`);
  const short = loser.value.hash.slice(0, SHORT_HASH_LENGTH);
  const infix = `.conflict-${loser.nodeId}-${compactUtc(loser.timestamp)}-${short}`;
  const room = Math.min(MAX_SEGMENT_BYTES, MAX_PATH_BYTES - utf8Length(dir)) - utf8Length(infix);
  const keptStem = prefixWithin(stem, room - utf8Length(ext));
  // A cut extension must not leave the name ending in a dot or a space (paths.ts refuses those).
  const keptExt = prefixWithin(ext, room - utf8Length(keptStem)).replace(/[ .]+$/, '');
  return `${dir}${keptStem}${infix}${keptExt}`;
}

/**
 * The name copies had before they were unique per version,
 * `<stem>.conflict-<device>-<yyyymmdd-hhmmss><ext>`: still in users' folders, where a resolution
 * removes them like the others (only if they hold the version's content).
 */
export function legacyConflictCopyPath(
  entityId: string,
  loser: Pick<CopiedVersion, 'nodeId' | 'timestamp'>,
): string {
  const { dir, stem, ext } = splitName(entityId);
  return `${dir}${stem}.conflict-${loser.nodeId}-${compactUtc(loser.timestamp)}${ext}`;
}

/** A path's folder (with its slash), and its name's stem and extension (see `conflictCopyPath`). */
function splitName(entityId: string): { dir: string; stem: string; ext: string } {
  const slash = entityId.lastIndexOf('/');
  const dir = slash >= 0 ? entityId.slice(0, slash + 1) : '';
  const name = entityId.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0
    ? { dir, stem: name.slice(0, dot), ext: name.slice(dot) }
    : { dir, stem: name, ext: '' };
}

/** `2026-11-26T05:25:40.123Z` → `20261126-052540` (UTC, so devices in other zones agree). */
function compactUtc(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes, whole code points only. */
function prefixWithin(text: string, bytes: number): string {
  if (utf8Length(text) <= bytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = utf8Length(ch);
    if (used + size > bytes) break;
    out += ch;
    used += size;
  }
  return out;
}

/**
 * Copy names: `.conflict-<device>-<yyyymmdd>-<hhmmss>`, then `-<hash8>` (names
 * made since copies are unique per version; older ones, still in users'
 * folders, have none), then the extension, at the end of the last segment.
 */
const CONFLICT_COPY = /\.conflict-[A-Za-z0-9._-]+-\d{8}-\d{6}(-[0-9a-f]{8})?(\.[^./]*)?$/;

/** Whether a path is itself a conflict copy (the watcher must not treat it as a new conflict source). */
export const isConflictCopyPath = (entityId: string): boolean => CONFLICT_COPY.test(entityId);

/** The copy's infix (`.conflict-<device>-<time>[-<hash8>]`), before the extension at the end. */
const COPY_INFIX = /\.conflict-[A-Za-z0-9._-]+-\d{8}-\d{6}(-[0-9a-f]{8})?(?=(\.[^./]*)?$)/;

/**
 * The file a conflict copy was made beside: its path without the copy's infix
 * (`notes.conflict-laptop-20261126-052540-3f9a1c2e.md` → `notes.md`); null for a path that is no
 * copy. A copy whose name was cut to fit (a very long name) gives a prefix of the original's.
 */
export function copiedFrom(entityId: string): string | null {
  return isConflictCopyPath(entityId) ? entityId.replace(COPY_INFIX, '') : null;
}
