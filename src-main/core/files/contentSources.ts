import type { ContentRef } from '../../../src-shared/events/event.js';
import type { ChunkStore } from './chunkStore.js';
import { diskStatOf, sameStat, type FileIndex } from './fileIndex.js';
import { lstatOrUndefined, resolveExisting } from './safePaths.js';

/**
 * Where the bytes of a version may still be: a file in the folder that holds
 * exactly that content (found by hash in the file index, unchanged since it
 * was indexed), or the hub's chunk store. Previews read from here; a restore
 * asks first whether its version can be had at all.
 */

export interface ContentSources {
  readonly root: string;
  readonly index: FileIndex;
  /** The hub's chunk store; null without a hub. */
  readonly chunks: ChunkStore | null;
  readonly spaceId: string;
}

/** Files in the folder that hold exactly `content` now (unchanged since they were indexed). */
export async function localCopies(
  sources: ContentSources,
  content: ContentRef,
): Promise<{ abs: string; size: number }[]> {
  const out: { abs: string; size: number }[] = [];
  for (const entry of await sources.index.withContent([content.hash])) {
    const abs = await resolveExisting(sources.root, entry.path);
    if (!abs.ok || abs.value === undefined) continue;
    const st = await lstatOrUndefined(abs.value);
    // Changed since it was indexed: it may no longer hold this version.
    if (st?.isFile() && sameStat(entry, diskStatOf(st)))
      out.push({ abs: abs.value, size: st.size });
  }
  return out;
}

/** Whether a version's whole content can be had: a local copy, or every chunk on the hub. */
export async function contentAvailable(
  sources: ContentSources,
  content: ContentRef,
): Promise<boolean> {
  if (content.size === 0) return true;
  if ((await localCopies(sources, content)).length > 0) return true;
  if (!sources.chunks || !content.chunks || content.chunks.length === 0) return false;
  const missing = await sources.chunks.missing(
    sources.spaceId,
    content.chunks.map((c) => c.hash),
  );
  return missing.length === 0;
}
