import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ContentRef } from '../../../src-shared/events/event.js';
import type { VersionContent } from '../../../src-shared/ipc/contract.js';
import { localCopies, type ContentSources } from '../files/contentSources.js';
import { ChunkResolver } from '../files/contentWriter.js';
import { imageMimeOf } from './conflictView.js';

/**
 * The bytes of one version of a file, for a preview: from a file on this
 * device that holds exactly that content (the file itself, its conflict copy,
 * or any copy elsewhere in the folder, found by hash in the file index), else
 * from the hub's chunks, verified (see files/contentSources.ts). Only the
 * first `cap` bytes are read.
 */

export const TEXT_CAP = 1024 * 1024;
export const IMAGE_CAP = 5 * 1024 * 1024;

interface Head {
  readonly bytes: Uint8Array;
  readonly truncated: boolean;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function readLocalHead(
  sources: ContentSources,
  content: ContentRef,
  cap: number,
): Promise<Head | undefined> {
  for (const copy of await localCopies(sources, content)) {
    const want = Math.min(cap, copy.size);
    const fh = await open(copy.abs, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
      () => undefined,
    );
    if (!fh) continue;
    try {
      const bytes = Buffer.alloc(want);
      const { bytesRead } = await fh.read(bytes, 0, want, 0);
      if (bytesRead !== want) continue;
      const truncated = copy.size > want;
      // A whole file is cheap to check; a head is trusted by its unchanged stat.
      if (!truncated && sha256(bytes) !== content.hash) continue;
      return { bytes, truncated };
    } finally {
      await fh.close();
    }
  }
  return undefined;
}

async function readChunkHead(
  sources: ContentSources,
  content: ContentRef,
  cap: number,
): Promise<Head | undefined> {
  if (!sources.chunks || !content.chunks || content.chunks.length === 0) return undefined;
  const wanted = [];
  let bytes = 0;
  for (const ref of content.chunks) {
    if (bytes >= cap) break;
    wanted.push(ref);
    bytes += ref.size;
  }
  const resolver = new ChunkResolver({
    rootReal: sources.root,
    spaceId: sources.spaceId,
    index: sources.index,
    source: sources.chunks,
  });
  const got = await resolver.get(wanted, []);
  if (!got.ok) return undefined;
  const out = Buffer.concat(wanted.map((r) => got.value.get(r.hash) ?? new Uint8Array()));
  return { bytes: out.subarray(0, cap), truncated: content.size > cap };
}

/** The start of a version's bytes, or undefined when no copy is reachable. */
export async function readVersionHead(
  sources: ContentSources,
  content: ContentRef,
  cap: number,
): Promise<Head | undefined> {
  if (content.size === 0) return { bytes: new Uint8Array(), truncated: false };
  return (
    (await readLocalHead(sources, content, cap)) ?? (await readChunkHead(sources, content, cap))
  );
}

/** UTF-8 text, or undefined for bytes that are not (NUL bytes, invalid sequences). */
export function decodeText(bytes: Uint8Array, truncated: boolean): string | undefined {
  if (bytes.includes(0)) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  // A cut head may end inside a character: drop up to 3 bytes of it.
  for (let cut = 0; cut <= (truncated ? 3 : 0); cut++) {
    try {
      return decoder.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // Try one byte shorter.
    }
  }
  return undefined;
}

const megabytes = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/** What the review screen shows for a version at `entityPath`. */
export async function versionContent(
  sources: ContentSources,
  entityPath: string,
  content: ContentRef | null,
): Promise<VersionContent> {
  if (content === null) return { kind: 'unavailable', reason: 'this version is a deletion' };
  const mime = imageMimeOf(entityPath);
  if (mime !== undefined && content.size > IMAGE_CAP) {
    return {
      kind: 'unavailable',
      reason: `the image is ${megabytes(content.size)}, too large to preview (limit ${megabytes(IMAGE_CAP)})`,
    };
  }
  const head = await readVersionHead(sources, content, mime !== undefined ? IMAGE_CAP : TEXT_CAP);
  if (!head) {
    return {
      kind: 'unavailable',
      reason: 'no copy of this version is on this device, and the hub could not provide it',
    };
  }
  if (mime !== undefined)
    return { kind: 'image', mime, base64: Buffer.from(head.bytes).toString('base64') };
  const text = decodeText(head.bytes, head.truncated);
  if (text === undefined) return { kind: 'binary', size: content.size };
  return { kind: 'text', text, truncated: head.truncated };
}
