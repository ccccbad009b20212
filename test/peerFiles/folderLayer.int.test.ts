/**
 * Issue 12 point 7 in the folder layer, in process: two devices with real folders and PGlite
 * stores exchanging events store to store (`test/support/folderDevice.ts`).
 * - A `.netguardianignore` that an earlier version recorded (an entity in the stores, a row in
 *   the index) stops syncing the way Syncthing's `.stignore` never synced: each device keeps its
 *   own file as it is, no device records a deletion (the scan forgets the index row and leaves
 *   the store alone), and no device's copy is written from a peer's version.
 * - Nothing is written under `.git` from a peer even by a materializer given no ignore rules at
 *   all: the refusal is at the write site (`safePaths.ts`), not only in the rules.
 */
import { createHash } from 'node:crypto';
import { access, lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexEntryOf } from '../../src-main/core/files/fileIndex.js';
import { IGNORE_FILE } from '../../src-main/core/files/ignoreRules.js';
import { createMaterializer } from '../../src-main/core/files/materializer.js';
import { decidePresent } from '../../src-main/core/files/scanDecision.js';
import { DIRECTORY_CONTENT } from '../../src-shared/fileKinds.js';
import {
  MemoryChunks,
  openFolderDevice,
  pullAndApply,
  pullEvents,
  type FolderDevice,
} from '../support/folderDevice.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

let tmp: TempDir;
let chunks: MemoryChunks;
let alpha: FolderDevice;
let beta: FolderDevice;
let spaceNo = 0;

beforeEach(async () => {
  tmp = await makeTempDir('ng-peer-files-');
  chunks = new MemoryChunks();
  const spaceId = `peer-files-${++spaceNo}`;
  const open = (nodeId: string) =>
    openFolderDevice({ nodeId, spaceId, dir: path.join(tmp.path, nodeId), chunks });
  alpha = await open('alpha');
  beta = await open('beta');
});
afterEach(async () => {
  await alpha?.close();
  await beta?.close();
  await tmp?.cleanup();
});

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * What an earlier version's scan recorded for a file this version never records: the same
 * change a scan makes (`decidePresent`), its chunk given to the hub, and the index row.
 */
async function recordAsEarlierVersion(
  device: FolderDevice,
  entityId: string,
  text: string,
  exec = false,
): Promise<void> {
  const file = path.join(device.root, ...entityId.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, { mode: exec ? 0o755 : 0o644 });
  const bytes = Buffer.from(text);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const ref = { hash, size: bytes.length };
  chunks.put(ref, bytes);
  const view = await device.manager.getFileState(entityId);
  const decision = decidePresent(undefined, view, {
    content: { ...ref, chunks: [ref] },
    mode: exec ? 0o755 : 0o644,
    mtimeMs: Date.now(),
  });
  if (decision.action !== 'create' && decision.action !== 'update')
    throw new Error(`${entityId}: nothing to record`);
  const written = await device.manager.writeBatch([
    { op: decision.action, path: entityId, change: decision.change },
  ]);
  const result = written[0];
  if (!result?.ok) throw result?.error ?? new Error('no result');
  await device.index.upsertMany([
    indexEntryOf(entityId, await lstat(file), hash, [ref], result.value.clock),
  ]);
}

describe('a .netguardianignore an earlier version synced', () => {
  it('stays on every device as it is: no deletion recorded, no copy overwritten', async () => {
    await recordAsEarlierVersion(alpha, IGNORE_FILE, '*.log\n');
    await writeFile(path.join(beta.root, IGNORE_FILE), 'build/\n');
    // Beta, still on its earlier version's records, holds alpha's version in its store.
    await pullEvents(beta, alpha);

    const scanned = await alpha.scanner.fullScan();
    await beta.scanner.fullScan();
    await beta.materializer.apply([IGNORE_FILE]);

    expect(scanned).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect((await alpha.manager.getFileState(IGNORE_FILE))?.exists).toBe(true);
    expect(await alpha.index.get(IGNORE_FILE)).toBeUndefined();
    expect(await readFile(path.join(alpha.root, IGNORE_FILE), 'utf8')).toBe('*.log\n');
    expect(await readFile(path.join(beta.root, IGNORE_FILE), 'utf8')).toBe('build/\n');
    expect(await beta.index.get(IGNORE_FILE)).toBeUndefined();
  });

  it('is no longer recorded when edited or deleted, and a peer’s later version is not written', async () => {
    await recordAsEarlierVersion(alpha, IGNORE_FILE, '*.log\n');
    await alpha.scanner.fullScan();
    await writeFile(path.join(alpha.root, IGNORE_FILE), '*.log\n*.bak\n');
    expect(await alpha.scanner.scanPaths([IGNORE_FILE])).toMatchObject({ created: 0, updated: 0 });

    // A device of an earlier version edits the one it synced; the new version reaches alpha.
    await recordAsEarlierVersion(beta, IGNORE_FILE, '!.git/\n');
    const report = await pullAndApply(alpha, beta);

    expect(report.written).toEqual([]);
    expect(await readFile(path.join(alpha.root, IGNORE_FILE), 'utf8')).toBe('*.log\n*.bak\n');
    await writeFile(path.join(alpha.root, IGNORE_FILE), '');
    expect(await alpha.scanner.fullScan()).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });
});

describe('a .git folder', () => {
  it('is never written from a peer, even by a materializer without ignore rules', async () => {
    await recordAsEarlierVersion(alpha, 'notes.txt', 'notes\n');
    for (const dir of ['.git', '.git/hooks']) {
      const made = await alpha.manager.createFileState(dir, { content: DIRECTORY_CONTENT });
      if (!made.ok) throw made.error;
    }
    await recordAsEarlierVersion(alpha, '.git/hooks/pre-commit', '#!/bin/sh\necho ran\n', true);
    const changed = await pullEvents(beta, alpha);
    const ruleless = createMaterializer({
      root: beta.root,
      spaceId: beta.manager.spaceId,
      dataDir: beta.dataDir,
      index: beta.index,
      manager: beta.manager,
      chunks,
      scanner: beta.scanner,
    });

    const report = await ruleless.apply(changed);

    expect(report.written).toEqual(['notes.txt']);
    expect(report.errors.map((e) => [e.path, e.code]).sort()).toEqual([
      ['.git', 'PathEscapesRoot'],
      ['.git/hooks', 'PathEscapesRoot'],
      ['.git/hooks/pre-commit', 'PathEscapesRoot'],
    ]);
    expect(await exists(path.join(beta.root, '.git'))).toBe(false);
  });
});
