/**
 * (a) Initial sync: device A holds the tree, device B an empty folder. Timed from the start of
 * A's first scan until B's folder holds the whole tree: A's scan (hash, chunk, record events),
 * A's push (chunk upload, then events), then B's pull (events, chunk download, atomic writes).
 * The steps run one after the other in process, so each has its own figure. `cp -r` of the same
 * tree, measured in the same run, is the floor of what copying these files costs on this disk.
 * The bytes between the devices and the hub are counted on the wire during the push and the pull.
 */
import path from 'node:path';
import { TEMP_PREFIX } from '../../src-main/core/files/ignoreRules.js';
import { timeCpR, writeBack } from './commands.js';
import type { BenchDevice } from './devices.js';
import type { ScratchDirs } from './scratchDirs.js';
import { wireSince, type WireBytes } from './wireCounter.js';
import { treeDigest, writeTree, type TreeDigest, type TreeShape } from './tree.js';

export interface InitialSyncResult {
  readonly files: number;
  readonly bytes: number;
  readonly scanMs: number;
  readonly pushMs: number;
  readonly pullMs: number;
  /** scan + push + pull: from A's first scan start to B complete. */
  readonly totalMs: number;
  readonly cpMs: number;
  readonly eventsPushed: number;
  readonly eventsPulled: number;
  readonly chunksUploaded: number;
  readonly bytesUploaded: number;
  /** On the wire between the devices and the hub during A's push and during B's pull. */
  readonly wire: { readonly push: WireBytes; readonly pull: WireBytes };
  /** B's tree equals A's (file count, bytes and the digest of every path and content). */
  readonly identical: boolean;
  readonly digest: TreeDigest;
}

/** Files the materializer is still writing are not part of a tree. */
export const skipTemp = (name: string) => name.startsWith(TEMP_PREFIX);

export async function benchInitialSync(options: {
  readonly a: BenchDevice;
  readonly b: BenchDevice;
  readonly shape: TreeShape;
  readonly seed: string;
  readonly scratch: ScratchDirs;
  /** Bytes on the wire between the devices and their hub so far. */
  readonly wire: () => WireBytes;
  readonly log?: (message: string) => void;
}): Promise<InitialSyncResult> {
  const { a, b } = options;
  const log = options.log ?? (() => undefined);
  await writeTree(a.root, options.shape, options.seed);
  const digest = await treeDigest(a.root);
  log(`tree: ${digest.files} files, ${(digest.bytes / 2 ** 20).toFixed(1)} MiB`);

  const cpMs = await timeCpR(a.root, path.join(await options.scratch.make('ng-bench-cp-'), 'copy'));
  log(`cp -r: ${(cpMs / 1000).toFixed(2)} s`);
  await writeBack();

  const uploadsBefore = { ...a.uploads };
  const t0 = performance.now();
  const scan = await a.device.scan();
  const t1 = performance.now();
  const w1 = options.wire();
  log(`A scan: ${((t1 - t0) / 1000).toFixed(2)} s (${scan.created} created)`);
  const push = await a.engine.pushSync();
  const t2 = performance.now();
  const w2 = options.wire();
  log(`A push: ${((t2 - t1) / 1000).toFixed(2)} s (${push.sent} events)`);
  const pull = await b.engine.pullSync();
  const t3 = performance.now();
  const w3 = options.wire();
  log(`B pull: ${((t3 - t2) / 1000).toFixed(2)} s (${pull.received} events)`);

  if (scan.errors.length > 0)
    throw new Error(`A's scan failed on ${scan.errors.length} files: ${scan.errors[0]?.message}`);
  for (const [what, report] of [
    ['push', push],
    ['pull', pull],
  ] as const) {
    if (report.error !== null) throw new Error(`${what} failed: ${report.error}`);
  }
  const onB = await treeDigest(b.root, skipTemp);
  return {
    files: digest.files,
    bytes: digest.bytes,
    scanMs: t1 - t0,
    pushMs: t2 - t1,
    pullMs: t3 - t2,
    totalMs: t3 - t0,
    cpMs,
    eventsPushed: push.sent,
    eventsPulled: pull.received,
    chunksUploaded: a.uploads.chunks - uploadsBefore.chunks,
    bytesUploaded: a.uploads.bytes - uploadsBefore.bytes,
    wire: { push: wireSince(w1, w2), pull: wireSince(w2, w3) },
    identical:
      onB.files === digest.files && onB.bytes === digest.bytes && onB.digest === digest.digest,
    digest,
  };
}
