import type { Stats } from 'node:fs';
import { copyFile, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ImportReport, PushMap } from '../../../src-shared/ipc/contract.js';
import { refusalError, type DiskSpace } from '../files/diskSpace.js';
import { fsyncDir, fsyncFile, tempPathBeside } from '../files/durableFs.js';
import { TEMP_PREFIX } from '../files/ignoreRules.js';
import { entityAbsPath, prepareTarget } from '../files/safePaths.js';
import { giveUpTemp } from '../files/staleTemps.js';
import { releaseTemp } from '../files/tempFiles.js';
import { linkUnique, mkdirUnique } from './uniqueNames.js';

/**
 * `files:import`: copies files and folders from anywhere on this machine into
 * a folder of the synced folder, then records them. Nothing is overwritten:
 * a name already taken becomes "name (2).ext", "name (3).ext", … Each file is
 * copied to a temp file (never synced), fsynced and linked into place, which
 * fails instead of replacing when the name was taken meanwhile; the folder is
 * fsynced after, so a power cut does not take back what the import reported.
 */

export type ImportProgress = PushMap['import:progress'];

export interface ImportContext {
  /** The synced folder's real path. */
  readonly root: string;
  /** Records what was copied (the scanner), by entity path. */
  readonly record: (entityPaths: readonly string[]) => Promise<void>;
  readonly onProgress: (progress: ImportProgress) => void;
  readonly progressIntervalMs?: number;
  /**
   * The folder's disk: an import holding a file over the per-file maximum, or that the disk has
   * no room for (keeping its reserve), is refused before anything is copied.
   */
  readonly space?: DiskSpace;
}

interface PlannedItem {
  readonly kind: 'file' | 'dir';
  readonly source: string;
  /** Relative to the top item (`''` for the top item itself). */
  readonly rel: string;
  readonly size: number;
}

/** The target folder as an absolute path in the root, created if missing; refuses escapes. */
export async function resolveTargetDir(root: string, targetDir: string): Promise<string> {
  const rel = targetDir
    .replace(/\\/g, '/')
    .replace(/^\.(\/|$)/, '')
    .replace(/\/+$/, '');
  if (rel === '') return root;
  const entity = rel.normalize('NFC');
  const abs = entityAbsPath(root, entity);
  if (!abs.ok) throw fieldError(abs.error, 'targetDir');
  // Creates every folder down to the target itself, refusing symlinks and files on the way.
  const prepared = await prepareTarget(root, `${entity}/${TEMP_PREFIX}probe`);
  if (!prepared.ok) throw fieldError(prepared.error, 'targetDir');
  return abs.value;
}

const fieldError = (e: NetGuardianError, field: string) =>
  new NetGuardianError(e.code, `files:import: ${field}: ${e.message}`, field);

async function plan(source: string): Promise<PlannedItem[]> {
  const out: PlannedItem[] = [];
  const top = await lstat(source).catch(() => undefined);
  if (!top)
    throw new NetGuardianError('NotFound', `files:import: ${source} does not exist`, 'paths');
  if (!top.isFile() && !top.isDirectory())
    throw new NetGuardianError(
      'InvalidArgument',
      `files:import: ${source} is not a file or a folder (links and devices are not imported)`,
      'paths',
    );
  const stack: { abs: string; rel: string; st: Stats }[] = [{ abs: source, rel: '', st: top }];
  while (stack.length > 0) {
    const { abs, rel, st } = stack.pop() as { abs: string; rel: string; st: Stats };
    if (st.isFile()) {
      out.push({ kind: 'file', source: abs, rel, size: st.size });
      continue;
    }
    if (!st.isDirectory()) continue; // symlinks and special files inside folders are skipped
    out.push({ kind: 'dir', source: abs, rel, size: 0 });
    for (const name of await readdir(abs)) {
      const child = path.join(abs, name);
      const childSt = await lstat(child).catch(() => undefined);
      if (childSt)
        stack.push({ abs: child, rel: rel === '' ? name : `${rel}/${name}`, st: childSt });
    }
  }
  return out;
}

export async function importPaths(
  ctx: ImportContext,
  sources: readonly string[],
  targetDir: string,
): Promise<ImportReport> {
  for (const s of sources) {
    if (!path.isAbsolute(s))
      throw new NetGuardianError(
        'InvalidArgument',
        `files:import: paths must be absolute, got ${JSON.stringify(s)}`,
        'paths',
      );
  }
  const targetAbs = await resolveTargetDir(ctx.root, targetDir);
  const plans: { source: string; items: PlannedItem[] }[] = [];
  for (const source of sources) {
    const resolved = path.resolve(source);
    if (targetAbs === resolved || targetAbs.startsWith(resolved + path.sep))
      throw new NetGuardianError(
        'InvalidArgument',
        `files:import: cannot copy ${resolved} into itself (${targetAbs})`,
        'paths',
      );
    plans.push({ source: resolved, items: await plan(resolved) });
  }
  const all = plans.flatMap((p) => p.items);
  const total = all.filter((i) => i.kind === 'file').length;
  const totalBytes = all.reduce((n, i) => n + i.size, 0);
  const largest = all.reduce((n, i) => Math.max(n, i.size), 0);
  const refused = ctx.space?.tooLarge(largest) ?? ctx.space?.shortOf(targetAbs, totalBytes);
  if (refused) throw refusalError('files:import', refused);
  const report = { files: 0, folders: 0, bytes: 0 };
  const interval = ctx.progressIntervalMs ?? 100;
  let lastProgress = 0;
  const progress = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastProgress < interval) return;
    lastProgress = now;
    ctx.onProgress({ done: report.files, total, bytes: report.bytes, totalBytes });
  };
  progress(true);
  const recorded: string[] = [];
  const targetRel = path.relative(ctx.root, targetAbs).split(path.sep).join('/');
  for (const { source, items } of plans) {
    let topName = path.basename(source);
    for (const item of items) {
      const isTop = item.rel === '';
      const parentAbs = isTop
        ? targetAbs
        : path.join(
            targetAbs,
            topName,
            ...path
              .dirname(item.rel)
              .split('/')
              .filter((s) => s !== '.'),
          );
      const name = isTop ? topName : path.basename(item.rel);
      if (item.kind === 'dir') {
        if (isTop) topName = await mkdirUnique(parentAbs, name);
        else {
          await mkdir(path.join(parentAbs, name), { recursive: true });
          // Its entry made durable before the files placed durably in it.
          await fsyncDir(parentAbs);
        }
        report.folders++;
        continue;
      }
      const tmp = tempPathBeside(path.join(parentAbs, name));
      try {
        await copyFile(item.source, tmp);
        await fsyncFile(tmp);
        const placed = await linkUnique(tmp, parentAbs, name);
        if (isTop) topName = placed;
        releaseTemp(tmp);
      } catch (e) {
        // Where it was made, or where the user moved its folder meanwhile.
        await giveUpTemp(tmp, ctx.root);
        if (e instanceof NetGuardianError) throw e;
        throw new NetGuardianError(
          'FileSystemError',
          `files:import: copying ${item.source} failed: ${(e as Error).message}`,
          'paths',
        );
      }
      report.files++;
      report.bytes += item.size;
      progress(false);
    }
    recorded.push(targetRel === '' ? topName : `${targetRel}/${topName}`);
  }
  await ctx.record(recorded);
  progress(true);
  return report;
}
