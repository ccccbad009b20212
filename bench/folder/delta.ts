/**
 * (d) Bytes sent for a one-byte insertion in the middle of a large file: the file is synced to
 * B first (live sync), then A saves a copy with one byte inserted at the middle the way editors
 * save (write a temp file outside the folder, rename it over the original). Counted are the
 * bytes of chunk data A uploaded for that change (the device's `upload` reports) and, as a check,
 * what the hub's `crdt_chunks` gained (counted as the hub's owner). Content-defined chunking should
 * re-send only the chunk or two around the insertion. The bytes between the devices and the hub
 * are counted on the wire from A's save until both are idle again.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchDevice } from './devices.js';
import type { DeviceRegistry } from './hub.js';
import { waitIdle } from './latency.js';
import { SeededBytes, sha256OfFile } from './tree.js';
import { pollUntil } from './waits.js';
import { wireSince, type WireBytes } from './wireCounter.js';

export interface DeltaResult {
  readonly fileBytes: number;
  /** Chunk bytes A uploaded for the one-byte change (its `upload` reports). */
  readonly uploadedBytes: number;
  readonly uploadedChunks: number;
  /** What the hub's chunk table gained for the change. */
  readonly hubBytes: number;
  readonly hubChunks: number;
  /** uploadedBytes / fileBytes. */
  readonly fraction: number;
  /** From A's save of the changed file until B holds it (informational). */
  readonly propagationMs: number;
  /** Chunks of the whole file when first synced (how finely it is cut). */
  readonly firstSyncChunks: number;
  /** On the wire between A, B and the hub for the change (A's upload and B's download). */
  readonly wire: WireBytes;
}

const TIMEOUT_MS = 600_000;

/** Until B's copy of `rel` has `size` bytes and the SHA-256 `hash`. */
async function waitForContent(b: BenchDevice, rel: string, size: number, hash: string) {
  await pollUntil(
    `${rel} (${size} bytes) on ${b.name}`,
    async () => {
      try {
        if ((await stat(b.abs(rel))).size !== size) return undefined;
      } catch {
        return undefined;
      }
      return (await sha256OfFile(b.abs(rel))) === hash ? true : undefined;
    },
    { everyMs: 25, timeoutMs: TIMEOUT_MS },
  );
}

/** Writes `data` as `rel` in A's folder atomically: a temp file outside the folder, renamed in. */
async function saveAtomically(a: BenchDevice, rel: string, data: Buffer): Promise<void> {
  const stage = path.join(a.dir, 'stage');
  await mkdir(stage, { recursive: true });
  const temp = path.join(stage, 'save.tmp');
  await writeFile(temp, data);
  await mkdir(path.dirname(a.abs(rel)), { recursive: true });
  await rename(temp, a.abs(rel));
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export async function benchDelta(options: {
  readonly a: BenchDevice;
  readonly b: BenchDevice;
  readonly hub: DeviceRegistry;
  readonly spaceId: string;
  readonly fileBytes: number;
  readonly seed: string;
}): Promise<DeltaResult> {
  const { a, b, hub, spaceId, fileBytes } = options;
  const rel = 'delta/large.bin';
  const original = new SeededBytes(options.seed).next(fileBytes);
  const chunksAtStart = await hub.chunkStats(spaceId);
  await saveAtomically(a, rel, original);
  await waitForContent(b, rel, original.length, sha256(original));
  await waitIdle([a, b]);

  const hubBefore = await hub.chunkStats(spaceId);
  const uploadsBefore = { ...a.uploads };
  const mid = original.length >> 1;
  const changed = Buffer.concat([
    original.subarray(0, mid),
    Buffer.from([0x42]),
    original.subarray(mid),
  ]);
  const changedHash = sha256(changed);
  const wireBefore = hub.wire();
  const started = performance.now();
  await saveAtomically(a, rel, changed);
  await waitForContent(b, rel, changed.length, changedHash);
  const propagationMs = performance.now() - started;
  await waitIdle([a, b]);
  const wire = wireSince(wireBefore, hub.wire());
  const hubAfter = await hub.chunkStats(spaceId);
  // The changed file on A is read back too: the bytes compared are the bytes A holds.
  if (sha256(await readFile(a.abs(rel))) !== changedHash)
    throw new Error(`${rel} changed on A meanwhile`);

  const uploadedBytes = a.uploads.bytes - uploadsBefore.bytes;
  return {
    fileBytes: original.length,
    uploadedBytes,
    uploadedChunks: a.uploads.chunks - uploadsBefore.chunks,
    hubBytes: hubAfter.bytes - hubBefore.bytes,
    hubChunks: hubAfter.rows - hubBefore.rows,
    fraction: uploadedBytes / original.length,
    propagationMs,
    firstSyncChunks: hubBefore.rows - chunksAtStart.rows,
    wire,
  };
}
