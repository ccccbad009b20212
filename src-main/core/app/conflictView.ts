import { conflictCopyPath } from '../../../src-shared/conflictNames.js';
import type { FileVersion, FileView } from '../../../src-shared/crdt/fileEntity.js';
import type { ConflictInfo, KeptVersion, VersionInfo } from '../../../src-shared/ipc/contract.js';
import { decodeHlc } from '../../../src-shared/crdt/hlc.js';
import { effectiveMtimeMs } from '../../../src-shared/crdt/versionOrder.js';
import { chooseVersion, siblingsOf, type KeepChoice } from '../crdt/conflictChoice.js';

/**
 * A conflict as the review screen shows it (pure): the version every device
 * shows at the path (the winner) first, then each losing version with the
 * conflict copy it lives in on disk, with who wrote it and when.
 */

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};

/** Extensions whose bytes are never worth showing as text. */
const BINARY_EXTENSIONS = new Set(
  (
    'pdf zip gz tgz bz2 xz 7z rar jar exe dll so dylib bin iso dmg img mp3 mp4 m4a mov avi mkv ' +
    'wav flac ogg webm doc docx xls xlsx ppt pptx odt ods odp psd ai sketch ttf otf woff woff2 ' +
    'ico bmp tif tiff heic sqlite db class o a pyc wasm'
  ).split(' '),
);

const extensionOf = (entityPath: string): string => {
  const name = entityPath.slice(entityPath.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

/** The MIME type of an image we can preview, by extension; undefined for anything else. */
export const imageMimeOf = (entityPath: string): string | undefined =>
  IMAGE_TYPES[extensionOf(entityPath)];

/**
 * How the review screen can show a file: images by extension, known binary
 * formats not at all, anything else as text (the content itself decides on
 * fetch: bytes that are not UTF-8 come back as `binary`).
 */
export function previewKindOf(entityPath: string): ConflictInfo['preview'] {
  const ext = extensionOf(entityPath);
  if (IMAGE_TYPES[ext] !== undefined) return 'image';
  if (BINARY_EXTENSIONS.has(ext)) return 'none';
  return 'text';
}

export interface ConflictContext {
  readonly thisNode: string;
  readonly nameOf: (nodeId: string) => string;
}

/**
 * When the version was edited: the file's modification time its writer recorded (held to the
 * writer's clock), not when the change was recorded: a scan may find an edit much later, and two
 * devices syncing at once would both read "just now". It is the time the winner was chosen by
 * (`versionOrder.ts`), so the newest shown is the one in the folder. A version whose clock can't
 * be read (never stored so, but the view must not fail a whole list) falls back to its wall time.
 */
function editedAt(v: FileVersion): number {
  if (decodeHlc(v.hlc).ok) return effectiveMtimeMs(v);
  const at = Date.parse(v.timestamp);
  return Number.isNaN(at) ? 0 : at;
}

function versionInfo(
  view: FileView,
  v: FileVersion,
  winner: boolean,
  ctx: ConflictContext,
): VersionInfo {
  return {
    eventId: v.id,
    device: ctx.nameOf(v.nodeId),
    nodeId: v.nodeId,
    changedAt: editedAt(v),
    size: v.value?.size ?? 0,
    hash: v.value?.hash ?? '',
    side: v.nodeId === ctx.thisNode ? 'mine' : 'theirs',
    winner,
    copyPath: winner ? null : conflictCopyPath(view.entityId, v),
  };
}

/** The version `resolve --keep <keep>` would keep: the resolution's own rule (`chooseVersion`). */
function kept(view: FileView, keep: KeepChoice, ctx: ConflictContext): KeptVersion | null {
  const chosen = chooseVersion(siblingsOf(view), view, keep, ctx.thisNode);
  if (!chosen.ok) return null;
  const v = chosen.value;
  return {
    eventId: v.id,
    device: ctx.nameOf(v.nodeId),
    side: v.nodeId === ctx.thisNode ? 'mine' : 'theirs',
    deleted: v.value === null,
  };
}

export function conflictInfoOf(view: FileView, ctx: ConflictContext): ConflictInfo {
  const versions: VersionInfo[] = [];
  if (view.winner) versions.push(versionInfo(view, view.winner, true, ctx));
  for (const loser of view.conflicts) versions.push(versionInfo(view, loser, false, ctx));
  return {
    path: view.entityId,
    versions,
    preview: previewKindOf(view.entityId),
    keeps: { mine: kept(view, 'mine', ctx), theirs: kept(view, 'theirs', ctx) },
  };
}
