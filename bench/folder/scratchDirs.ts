/**
 * Every folder, data dir and copy the folder scenarios make, removed together when the section
 * ends rather than when each scenario ends.
 *
 * Why: on a machine whose filesystem is ext4 without a journal (this one: no /proc/fs/jbd2 entry
 * for its root device), the kernel will not reuse an inode freed in the last 1 to 5 minutes
 * (`recently_deleted()` in fs/ext4/ialloc.c), and it checks every such inode one by one on each
 * file it creates. After a scenario had deleted its 10,000-file trees, creating a file cost
 * 0.2–0.7 ms for minutes instead of about 20 µs (measured here with 3,000 creates), and the next
 * scenario's timing, mostly file creation on device B, measured our own cleanup. A user's first
 * sync does not follow the deletion of 20,000 files; the bench should not either.
 *
 * Each directory is enterable by the device servers' user (bench/support/serverDirs.ts), so a
 * device's cluster stays in its data dir under it (`<dir>/data/postgres/pgdata`) and is removed
 * with it. A server still running there (its daemon was killed after a failure) is stopped first.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopLeftoverServer } from '../../test/support/leftoverServer.js';
import { makeServerEnterable } from '../support/serverDirs.js';

export class ScratchDirs {
  private readonly dirs: string[] = [];

  /** A new empty directory under the system temp dir (mode 0755), its real path (no symlink in it). */
  async make(prefix: string): Promise<string> {
    const dir = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
    this.dirs.push(dir);
    await makeServerEnterable(dir);
    return dir;
  }

  /** Removes every directory made so far; the first failure is thrown after trying them all. */
  async removeAll(): Promise<void> {
    let failure: Error | undefined;
    for (const dir of this.dirs.splice(0)) {
      try {
        await stopLeftoverServer(path.join(dir, 'data', 'postgres', 'pgdata'));
        await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch (e) {
        failure ??= e instanceof Error ? e : new Error(`removing ${dir} failed: ${String(e)}`);
      }
    }
    if (failure) throw failure;
  }
}
