import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * How many inotify watches process `pid` holds now, from what Linux says of its descriptors
 * (`/proc/<pid>/fdinfo/<fd>` lists one `inotify wd:` line per watch of an inotify descriptor).
 * This is the number the per-user limit `fs.inotify.max_user_watches` counts.
 */
export async function inotifyWatches(pid: number | 'self' = 'self'): Promise<number> {
  let watches = 0;
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (target !== 'anon_inode:inotify') continue;
    const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
    watches += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
  }
  return watches;
}
