/**
 * A fresh temporary folder per test (watcher, materializer, store data directories).
 * The path is resolved through symlinks (macOS `/tmp` is one), so it compares equal to the
 * paths that watchers and `fs.realpath` report.
 *
 * Cleaning up also ends what devices left behind: a device's PostgreSQL server still running in
 * a data dir under the folder (a test that killed its owner with SIGKILL leaves one), and, run as
 * root, a cluster placed outside the data dir (root's 0700 data dirs send it to
 * /var/lib/netguardian/clusters, recorded in `postgres-location.json`), which would otherwise pile
 * up there run after run.
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopLeftoverServer } from './leftoverServer.js';

export interface TempDir {
  readonly path: string;
  /** Stops servers left running under it, removes it and clusters it placed elsewhere. Safe twice. */
  cleanup(): Promise<void>;
}

export async function makeTempDir(prefix = 'netguardian-test-'): Promise<TempDir> {
  const path = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  return {
    path,
    cleanup: async () => {
      const homes = await clusterHomesUnder(path, 6);
      for (const home of homes) await stopLeftoverServer(join(home, 'pgdata'));
      await rm(path, { recursive: true, force: true, maxRetries: 3 });
      for (const home of homes.filter((h) => !h.startsWith(`${path}/`)))
        await rm(home, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** Cluster homes of the data dirs under `dir` (`<dataDir>/postgres`, or where one records). */
async function clusterHomesUnder(dir: string, depth: number): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const homes: string[] = [];
  for (const e of entries) {
    const at = join(dir, e.name);
    if (e.isFile() && e.name === 'postgres-location.json') {
      try {
        const record = JSON.parse(await readFile(at, 'utf8')) as { home?: unknown };
        if (typeof record.home === 'string') homes.push(record.home);
      } catch {
        // Not a record we can read: nothing placed elsewhere to remove.
      }
    } else if (e.isDirectory() && e.name === 'postgres') homes.push(at);
    else if (e.isDirectory() && depth > 0 && e.name !== 'pgdata')
      homes.push(...(await clusterHomesUnder(at, depth - 1)));
  }
  return homes;
}
