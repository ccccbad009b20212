import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MARKER_FILE } from '../../src-main/core/files/folderMarker.js';

/**
 * A folder as the invariants compare it: every entry by relative POSIX path, with
 * its kind, content hash and permission bits. Nothing is skipped but the folder's
 * marker (each device's own, never synced): temp files, conflict copies and stray
 * entries all count.
 */

export interface Entry {
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly hash?: string;
  /** `mode & 0o777`. */
  readonly mode: number;
}

export type Tree = ReadonlyMap<string, Entry>;

const MAX_ENTRIES = 100_000;

export function readTree(root: string, skipRel: (rel: string) => boolean = () => false): Tree {
  const out = new Map<string, Entry>();
  const stack = [''];
  while (stack.length > 0) {
    if (out.size > MAX_ENTRIES) throw new Error(`more than ${MAX_ENTRIES} entries in ${root}`);
    const rel = stack.pop() as string;
    let names: string[];
    try {
      names = readdirSync(path.join(root, rel));
    } catch (e) {
      // Removed while walked (a device is writing): the caller walks again until it is stable.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    for (const name of names) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (child === MARKER_FILE || skipRel(child)) continue;
      const abs = path.join(root, child);
      let st;
      try {
        st = lstatSync(abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      const mode = st.mode & 0o777;
      if (st.isDirectory()) {
        out.set(child, { kind: 'dir', mode });
        stack.push(child);
      } else if (st.isFile()) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(abs);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw e;
        }
        out.set(child, {
          kind: 'file',
          hash: createHash('sha256').update(bytes).digest('hex'),
          mode,
        });
      } else out.set(child, { kind: st.isSymbolicLink() ? 'symlink' : 'other', mode });
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every file content hash in a tree. */
export const hashesIn = (tree: Tree): Set<string> =>
  new Set([...tree.values()].flatMap((e) => (e.hash ? [e.hash] : [])));

/**
 * This process's umask, as /proc says (the devices run in it). A file a device writes
 * from a peer's version gets that version's bits less the umask, as any program's new
 * file does (DESIGN.md, issue 15: under 022 a 0664 made elsewhere is 0644 here), and a
 * folder as a file, so bits compare through it.
 */
const UMASK = (() => {
  const line = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!line) throw new Error('no Umask line in /proc/self/status');
  return parseInt(line[1] as string, 8);
})();

/**
 * How an entry compares across devices. Permission bits: with `fullModes`, every
 * rwx bit of files and folders (what the product syncs) less the umask; without,
 * whether a file has any x bit set (the older `exec`).
 */
export function entryKey(e: Entry, fullModes: boolean): string {
  const bits = e.mode & ~UMASK;
  const mode = fullModes ? bits.toString(8).padStart(3, '0') : e.mode & 0o111 ? 'x' : '-';
  if (e.kind === 'file') return `file ${e.hash ?? '?'} ${mode}`;
  if (e.kind === 'dir') return fullModes ? `dir ${mode}` : 'dir';
  return e.kind;
}

/** Lines saying where two trees differ (at most `limit`). */
export function treeDiff(
  a: Tree,
  b: Tree,
  fullModes: boolean,
  names: readonly [string, string],
  limit = 20,
): string[] {
  const out: string[] = [];
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const p of paths) {
    const ea = a.get(p);
    const eb = b.get(p);
    const ka = ea ? entryKey(ea, fullModes) : 'missing';
    const kb = eb ? entryKey(eb, fullModes) : 'missing';
    if (ka !== kb) out.push(`${p}: ${names[0]} ${short(ka)} vs ${names[1]} ${short(kb)}`);
    if (out.length >= limit) break;
  }
  return out;
}

const short = (key: string) => key.replace(/\b([0-9a-f]{8})[0-9a-f]{56}\b/, '$1');
