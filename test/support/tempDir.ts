/**
 * A fresh temporary folder per test (watcher, materializer, PGlite data directories).
 * The path is resolved through symlinks (macOS `/tmp` is one), so it compares equal to the
 * paths that watchers and `fs.realpath` report.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly path: string;
  /** Removes the folder and everything in it. Safe to call twice. */
  cleanup(): Promise<void>;
}

export async function makeTempDir(prefix = 'netguardian-test-'): Promise<TempDir> {
  const path = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  return {
    path,
    cleanup: () => rm(path, { recursive: true, force: true, maxRetries: 3 }),
  };
}
