import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryChunks,
  openFolderDevice,
  pullAndApply,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';

/**
 * Events from before modes synced carry only `exec`: a device reading them writes new files
 * 0644 or 0755 (x where r is), and its next scan records nothing back (no storm of mode events
 * after an upgrade).
 */

let tmp: TempDir;
let older: FolderDevice;
let newer: FolderDevice;
let chunks: MemoryChunks;

beforeEach(async () => {
  tmp = await makeTempDir('ng-modes-');
  chunks = new MemoryChunks();
  older = await openFolderDevice({
    nodeId: 'older',
    spaceId: 'modes',
    dir: path.join(tmp.path, 'older'),
    chunks,
  });
  newer = await openFolderDevice({
    nodeId: 'newer',
    spaceId: 'modes',
    dir: path.join(tmp.path, 'newer'),
    chunks,
  });
});
afterEach(async () => {
  await older.close();
  await newer.close();
  await tmp.cleanup();
});

/** What an older NetGuardian recorded for a file: content, mtime and `exec`, no `mode`. */
async function recordAsOlder(rel: string, text: string, exec: boolean): Promise<void> {
  const bytes = Buffer.from(text);
  const ref = { hash: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  chunks.put(ref, bytes);
  const created = await older.manager.createFileState(rel, {
    content: { ...ref, chunks: [ref] },
    fields: { exec, mtimeMs: Date.now() },
  });
  if (!created.ok) throw created.error;
}

describe('events with only `exec` (from before modes synced)', () => {
  it('write new files 0755 or 0644, and a rescan records nothing back', async () => {
    await recordAsOlder('run.sh', '#!/bin/sh\n', true);
    await recordAsOlder('notes.txt', 'notes\n', false);

    const report = await pullAndApply(newer, older);

    expect(report.errors).toEqual([]);
    expect((await lstat(path.join(newer.root, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect((await lstat(path.join(newer.root, 'notes.txt'))).mode & 0o777).toBe(0o644);
    const scan = await newer.scanner.fullScan();
    expect(scan.created + scan.updated + scan.deleted).toBe(0);
  });
});
