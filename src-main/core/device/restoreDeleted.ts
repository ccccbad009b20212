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
  // Folders first (parents before children: sorted paths), then files, one batch.
  const ordered = [
    ...writes.filter((w) => isDirectoryContent(w.content)),
    ...writes.filter((w) => !isDirectoryContent(w.content)),
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

/** The content of the newest version before the entity's newest delete. */
async function contentBeforeDelete(device: Device, path: string): Promise<ContentRef | undefined> {
  const events = (await device.store.eventsForEntity(device.spaceId, path))
    .filter(writesVersion)
    .sort((a, b) => compareEncodedHlc(b.hlc, a.hlc));
  const kept = events.find((e) => !writesTombstone(e) && e.data.content);
  return kept?.data.content ?? undefined;
}
