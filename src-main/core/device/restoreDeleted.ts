import { compareEncodedHlc } from '../../../src-shared/crdt/hlc.js';
import type { ContentRef } from '../../../src-shared/events/event.js';
import { writesTombstone, writesVersion } from '../../../src-shared/events/event.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { LocalWrite } from '../crdtManager.js';
import { contentAvailable } from '../files/contentSources.js';
import type { Device } from './device.js';

/**
 * Undoing a mass deletion (`netguardian restore --deleted-since`, the app's "Restore deleted
 * files"): every file and folder deleted since a moment comes back with the content it had just
 * before, recorded as one batch of changes (so it syncs like any edit, and the deletes stay in the
 * history). A file whose bytes are nowhere this device can reach (not in the folder, not on the
 * hub) is listed with the reason and left deleted; nothing is written half.
 */

/** Deleted entities whose last change (the delete) is at or after $2, an HLC wall-time prefix. */
const SELECT_DELETED_SINCE = `
SELECT entity_id FROM crdt_snapshots
WHERE space_id = $1 AND NOT file_exists AND last_hlc >= $2
ORDER BY entity_id COLLATE "C"
LIMIT $3`;

/**
 * Which of the hashes ($2, a JSON array) an existing file changed since $3 (an HLC prefix) holds,
 * and where: the content a deleted file had, found at a path that changed in the same window, was
 * moved there (a rename is a delete and a create), not lost.
 */
const SELECT_MOVED_TO = `
SELECT DISTINCT ON (content_hash) content_hash, entity_id FROM crdt_snapshots
WHERE space_id = $1 AND file_exists AND last_hlc >= $3
  AND content_hash IN (SELECT jsonb_array_elements_text($2::jsonb))
ORDER BY content_hash, entity_id COLLATE "C"`;

/** Entities restored per run at most: a bound on one batch's memory (run again for more). */
const MAX_RESTORED = 100_000;

export interface RestoreDeletedReport {
  readonly restored: readonly string[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

/** The HLC prefix of a wall time: encoded HLCs sort as text, wall time first (hlc.ts). */
const hlcFloor = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(15, '0');

export async function restoreDeletedSince(
  device: Device,
  sinceMs: number,
): Promise<RestoreDeletedReport> {
  const { spaceId } = device;
  const rows = await device.store.client.query<{ entity_id: string }>(SELECT_DELETED_SINCE, [
    spaceId,
    hlcFloor(sinceMs),
    MAX_RESTORED,
  ]);
  const sources = {
    root: device.root,
    index: device.index,
    chunks: device.hub?.chunks ?? null,
    spaceId,
  };
  const writes: { path: string; content: ContentRef }[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const { entity_id: path } of rows) {
    const content = await contentBeforeDelete(device, path);
    if (!content) {
      skipped.push({ path, reason: 'it never had content this device knows' });
      continue;
    }
    if (!isDirectoryContent(content) && !(await contentAvailable(sources, content))) {
      skipped.push({
        path,
        reason: device.hub
          ? 'its bytes are no longer in the folder nor on the hub'
          : 'its bytes are no longer in the folder (without a hub, deleted files are kept only in the trash)',
      });
      continue;
    }
    writes.push({ path, content });
  }
  const kept = await leaveMoved(device, writes, hlcFloor(sinceMs), skipped);
  // Folders first (parents before children: sorted paths), then files, one batch.
  const ordered = [
    ...kept.filter((w) => isDirectoryContent(w.content)),
    ...kept.filter((w) => !isDirectoryContent(w.content)),
  ];
  const items: LocalWrite[] = ordered.map((w) => ({
    op: 'create',
    path: w.path,
    change: { content: w.content },
  }));
  const results = await device.manager.writeBatch(items);
  const restored: string[] = [];
  results.forEach((result, i) => {
    const path = (ordered[i] as { path: string }).path;
    if (result.ok) restored.push(path);
    else skipped.push({ path, reason: result.error.message });
  });
  if (restored.length > 0) await device.materializer.apply(restored);
  return { restored, skipped };
}

/**
 * Leaves out what was moved, not deleted: a file whose content an existing file that changed in
 * the window holds (renamed or moved since: restoring its old name would make a duplicate), and a
 * folder that held deleted files of the window none of which comes back (a renamed folder's old
 * name). Empty files are always restored: their content says nothing of where they went. Each
 * left out is in `skipped`, with where its content is.
 */
async function leaveMoved(
  device: Device,
  writes: readonly { path: string; content: ContentRef }[],
  sinceHlc: string,
  skipped: { path: string; reason: string }[],
): Promise<{ path: string; content: ContentRef }[]> {
  const files = writes.filter((w) => !isDirectoryContent(w.content) && w.content.size > 0);
  const hashes = [...new Set(files.map((w) => w.content.hash))];
  const movedTo = new Map<string, string>();
  if (hashes.length > 0) {
    const rows = await device.store.client.query<{ content_hash: string; entity_id: string }>(
      SELECT_MOVED_TO,
      [device.spaceId, JSON.stringify(hashes), sinceHlc],
    );
    for (const r of rows) movedTo.set(r.content_hash, r.entity_id);
  }
  const restoredFiles: string[] = [];
  const keptFiles = writes.filter((w) => {
    if (isDirectoryContent(w.content)) return true;
    const there = w.content.size > 0 ? movedTo.get(w.content.hash) : undefined;
    if (there === undefined) {
      restoredFiles.push(w.path);
      return true;
    }
    skipped.push({ path: w.path, reason: `it was moved: its content is at ${there}` });
    return false;
  });
  const under = (p: string, folder: string) => p.startsWith(`${folder}/`);
  const movedFolders: string[] = [];
  // Sorted paths: a folder comes before what it holds.
  return keptFiles.filter((w) => {
    if (!isDirectoryContent(w.content)) return true;
    if (restoredFiles.some((p) => under(p, w.path))) return true;
    const heldFiles = writes.some((x) => !isDirectoryContent(x.content) && under(x.path, w.path));
    if (!heldFiles && !movedFolders.some((f) => under(w.path, f))) return true;
    movedFolders.push(w.path);
    skipped.push({
      path: w.path,
      reason: 'it was moved: every file it held is somewhere else now',
    });
    return false;
  });
}

/** The content of the newest version before the entity's newest delete. */
async function contentBeforeDelete(device: Device, path: string): Promise<ContentRef | undefined> {
  const events = (await device.store.eventsForEntity(device.spaceId, path))
    .filter(writesVersion)
    .sort((a, b) => compareEncodedHlc(b.hlc, a.hlc));
  const kept = events.find((e) => !writesTombstone(e) && e.data.content);
  return kept?.data.content ?? undefined;
}
