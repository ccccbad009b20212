/**
 * A small file system of its own for tests that fill a disk: a tmpfs of a given size mounted on
 * a folder (root only: CI runs the tests as root). A machine where it cannot be mounted fails the
 * test with a message saying so, never skips it: what it checks (nothing partial left on a full
 * disk, sync resuming once there is room) is tested nowhere else.
 */
import { execFile } from 'node:child_process';
import { mkdir, statfs } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallDisk {
  /** Where it is mounted. */
  readonly path: string;
  /** Bytes free on it now (statfs: bavail × bsize). */
  free(): Promise<number>;
  unmount(): Promise<void>;
}

/** Mounts a tmpfs of `bytes` (a multiple of 4096) on `dir` (created if missing). */
export async function mountSmallDisk(dir: string, bytes: number): Promise<SmallDisk> {
  await mkdir(dir, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tmpfs', dir]);
  } catch (e) {
    throw new Error(
      `cannot mount a ${bytes}-byte tmpfs on ${dir} for the disk-space test (it needs root, or CAP_SYS_ADMIN: run the tests as root, as CI does): ${(e as Error).message}`,
    );
  }
  let mounted = true;
  return {
    path: dir,
    free: async () => {
      const st = await statfs(dir);
      return st.bavail * st.bsize;
    },
    unmount: async () => {
      if (!mounted) return;
      await run('umount', [dir]);
      mounted = false;
    },
  };
}
