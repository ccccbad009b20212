import path from 'node:path';
import { TEMP_PREFIX } from '../../src-main/core/files/ignoreRules.js';
import { lstatQuiet } from '../../src-main/core/files/localIo.js';
import { DIRECTORY_HASH } from '../../src-shared/fileKinds.js';
import type { AppState } from '../../src-shared/ipc/contract.js';
import { pollUntil } from '../folderSync/support/folderTree.js';
import type { Harness } from './harness.js';
import { restorableFromHub } from './hubView.js';
import { sha256 } from './ops.js';
import { hashesIn, readTree, treeDiff, type Tree } from './trees.js';

/**
 * The invariants after quiescence (DESIGN.md §8: 1 convergence, 2 nothing lost,
 * 3 no half-written file, 7 truthful status), checked on the real folders, trash
 * folders and stores. Each check returns its problems as lines, so a failure shows
 * all of them at once.
 */

export interface CheckOptions {
  /**
   * Compare every rwx bit across folders, not only whether a file is executable.
   * Off until the product syncs permission bits (issue 12 point 5); then on.
   */
  readonly fullModes: boolean;
}

const EMPTY_HASH = sha256(new Uint8Array());

/** (1) Every folder equal to device 0's, entry for entry; (3) no temp file of ours anywhere. */
export function checkFolders(h: Harness, options: CheckOptions): string[] {
  const trees = h.devices.map((d) => readTree(d.root));
  const problems: string[] = [];
  h.devices.forEach((d, i) => {
    for (const rel of (trees[i] as Tree).keys()) {
      if (path.posix.basename(rel).startsWith(TEMP_PREFIX))
        problems.push(`temp file left in ${d.name}'s folder: ${rel}`);
    }
  });
  const [first, ...rest] = h.devices;
  rest.forEach((d, i) => {
    const diff = treeDiff(trees[0] as Tree, trees[i + 1] as Tree, options.fullModes, [
      first?.name ?? '?',
      d.name,
    ]);
    if (diff.length > 0)
      problems.push(
        `${d.name}'s folder differs from ${first?.name}'s:\n    ${diff.join('\n    ')}`,
      );
  });
  return problems;
}

/**
 * (2) Every content the harness wrote (and did not exempt, ledger.ts) can be had:
 * a file in some folder (a conflict copy is one), in some device's trash, or from the
 * hub's history (its event and every chunk it lists).
 */
export async function checkNothingLost(h: Harness): Promise<string[]> {
  const found = new Set<string>([EMPTY_HASH]);
  for (const d of h.devices) {
    for (const hash of hashesIn(readTree(d.root))) found.add(hash);
    for (const hash of hashesIn(readTree(path.join(d.dataDir, 'trash')))) found.add(hash);
  }
  const missing = [...new Set(h.ledger.required.map((w) => w.hash))].filter((x) => !found.has(x));
  const onHub = await restorableFromHub(h.hub.database, h.spaceId, missing);
  return h.ledger.required
    .filter((w) => !found.has(w.hash) && !onHub.has(w.hash))
    .map(
      (w) =>
        `content ${w.hash.slice(0, 8)} (${w.size} B) written by ${h.device(w.d).name} at ${w.path} (op #${w.step}) is in no folder, no trash, and not restorable from the hub`,
    );
}

/** How long the apps may take to say where they are once quiet (a live pull may be running). */
const STATUS_MS = 20_000;

/**
 * (4) Every app says "Synced" (its `state:get`, what the UI shows): nothing waiting,
 * running or failed. With conflicts listed it must say "conflicts" instead, and then the
 * caller resolves them and checks again.
 */
export async function checkStatus(h: Harness, allowConflicts: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (const d of h.devices) {
    let last: AppState | undefined;
    // "Synced" means nothing waits either way (DESIGN.md §8.7), so the counts must agree.
    const ok = (s: AppState) =>
      s.pending.upload + s.pending.download === 0 &&
      (s.phase === 'synced' || (allowConflicts && s.phase === 'conflicts'));
    try {
      await pollUntil(
        `${d.name} to say synced`,
        async () => {
          last = await d.state();
          return ok(last) ? true : undefined;
        },
        { timeoutMs: STATUS_MS, intervalMs: 100 },
      );
    } catch {
      const s = last;
      const listed = s?.unsyncable ? await d.app['files:unsyncable']({}) : undefined;
      const shown: string[] = [];
      for (const f of listed?.files.slice(0, 5) ?? [])
        shown.push(`${f.path} (${f.reason}: ${f.message}; ${await storeAndDisk(h, f.path)})`);
      const why = shown.join(' | ');
      problems.push(
        `${d.name} says ${s?.phase ?? '?'}, not synced: ${JSON.stringify({
          lastError: s?.lastError,
          pending: s?.pending,
          conflicts: s?.conflicts,
          hub: s?.hub?.connected,
          progress: s?.progress,
        })}${why ? `; can't sync: ${why}` : ''}${d.errors.length > 0 ? `; errors: ${d.errors.slice(-3).join(' | ')}` : ''}`,
      );
    }
  }
  return problems;
}

/**
 * What each device's store and folder hold at `p` and above it ("a=dir/file": the store has a
 * folder, the disk a file), for a failure message about a blocked path.
 */
export async function storeAndDisk(h: Harness, p: string): Promise<string> {
  const parts = p.split('/');
  const paths = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  const lines: string[] = [];
  for (const d of h.devices) {
    const each: string[] = [];
    for (const q of paths) {
      const view = (await d.machine.store.getSnapshot(d.spaceId, q))?.get();
      const store = !view
        ? 'none'
        : !view.exists
          ? 'deleted'
          : view.content?.hash === DIRECTORY_HASH
            ? 'dir'
            : 'file';
      const st = lstatQuiet(path.join(d.root, ...q.split('/')));
      const disk = !st ? 'none' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      each.push(`${q}=${store}/${disk}`);
    }
    lines.push(`${d.name}: ${each.join(' ')}`);
  }
  return lines.join('; ');
}
