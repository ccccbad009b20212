import { formatCount } from '../../src-shared/words.js';
import { mkdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { NetGuardianError } from '../../src-shared/errors.js';
import type { ContractClient } from '../../src-shared/ipc/contract.js';
import { validateId } from '../../src-shared/paths.js';
import { DEFAULT_SYNC_INTERVAL_MS } from '../../src-shared/syncInterval.js';
import type { DeviceConfig } from '../core/deviceConfig.js';
import { conflictLines, folderNotSynced, historyLines, statusLines } from './printing.js';
import { printProgress } from './progress.js';
import { hubResolver, type CliContext } from './cliContext.js';
import { openSession, type DeviceSession } from './session.js';

/**
 * The device commands. Every one that reads or changes a device goes through the contract the
 * UI speaks (src-shared/ipc/contract.ts), to the process that runs the device, or to this very
 * process when none does (`session.ts`): the same answers and output either way, and a store
 * that only ever has one opener.
 */

export type { CliContext } from './cliContext.js';

const fail = (message: string, field?: string): never => {
  throw new NetGuardianError('InvalidArgument', message, field);
};

/** Runs `use` with a session on the device, closing it after. */
export async function withSession<T>(
  ctx: CliContext,
  dataDir: string,
  command: string,
  use: (session: DeviceSession) => Promise<T>,
): Promise<T> {
  const session = await openSession({
    dataDir,
    command: `netguardian ${command}`,
    resolveHub: hubResolver,
    logger: ctx.logger,
  });
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

/**
 * After a command changed the device: when this command runs the device itself (no daemon), it
 * syncs before it ends, so the change reaches the hub now; a running daemon syncs by itself. The
 * change is made either way: a sync that could not run (the hub out of reach) is said on stderr,
 * not turned into a failure of the command.
 */
async function syncIfOwner(session: DeviceSession): Promise<void> {
  if (!session.ownsDevice) return;
  const report = await session.client.call('sync:run', {});
  if (report.error)
    process.stderr.write(
      `netguardian: not sent to the hub yet (${report.error}); it goes with the next sync (\`netguardian sync\`, or \`netguardian start\`)\n`,
    );
}

export async function initCommand(
  ctx: CliContext,
  dataDir: string,
  opts: { folder: string; join?: string; name?: string; space?: string; hub?: string },
): Promise<void> {
  if (opts.hub !== undefined)
    fail(
      'init no longer takes --hub: a device joins a hub with an invite code (on the hub: netguardian hub invite --data DIR; here: netguardian init --folder FOLDER --join CODE)',
      'hub',
    );
  // The invite is read before anything is made: a bad code creates nothing.
  const { inviteFromCode, pairDevice, storePairing } = await import('./joinCommands.js');
  const invite = opts.join === undefined ? undefined : inviteFromCode(opts.join);
  if (invite && opts.space !== undefined && opts.space !== invite.spaceId)
    fail(
      `the invite joins space ${invite.spaceId}, not ${opts.space}: leave out --space (the space is the invite's)`,
      'space',
    );
  // Imported here: only `init` writes a config (zod and the file layer cost every other command).
  const { readDeviceConfig, writeDeviceConfig } = await import('../core/deviceConfig.js');
  const existing = await readDeviceConfig(dataDir);
  if (existing.ok)
    fail(`${dataDir} already holds a device (folder ${existing.value.folder}); use another --data`);
  const space = validateId('spaceId', invite?.spaceId ?? opts.space ?? 'default');
  if (!space.ok) throw space.error;
  const folder = path.resolve(opts.folder);
  const { madeHere } = await import('./initUndo.js');
  const undo = await madeHere(dataDir, folder);
  const config: DeviceConfig = {
    version: 1,
    folder,
    spaceId: space.value,
    deviceName: opts.name ?? hostname(),
    hub: null,
    syncIntervalMs: DEFAULT_SYNC_INTERVAL_MS,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  };
  try {
    await mkdir(folder, { recursive: true });
    await writeDeviceConfig(dataDir, config);
    // The folder's marker: from now on the device changes the folder only while it is there.
    const { folderIdOf } = await import('../core/device/folderIdentity.js');
    await folderIdOf(dataDir, config.spaceId, folder);
    // Opened once: creates the store (its server) and the device's identity, which pairs.
    await withSession(ctx, dataDir, 'init', async ({ client }) => {
      const status = await client.call('device:status', {});
      if (invite)
        await storePairing(
          dataDir,
          config,
          await pairDevice(invite, status.nodeId, config.deviceName),
        );
      ctx.out(
        `initialized ${config.deviceName} (${status.nodeId}) for ${folder} in space ${config.spaceId}`,
      );
      ctx.out(
        invite
          ? `hub: ${invite.address} (paired; certificate ${invite.fingerprint.slice(0, 16)}… pinned)`
          : 'no hub: the folder is tracked locally (join one later: netguardian join CODE)',
      );
    });
  } catch (e) {
    // A failed init leaves nothing behind: the next try starts clean.
    await undo();
    throw e;
  }
  ctx.out(`data: ${dataDir}`);
  ctx.out('the folder is watched and synced while `netguardian start` (or the app) runs');
}

export async function statusCommand(
  ctx: CliContext,
  dataDir: string,
  json: boolean,
): Promise<void> {
  await withSession(ctx, dataDir, 'status', async ({ client }) => {
    const status = await client.call('device:status', {});
    if (json) ctx.out(JSON.stringify(status, null, 2));
    else for (const line of statusLines(status)) ctx.out(line);
  });
}

export async function syncCommand(ctx: CliContext, dataDir: string): Promise<void> {
  await withSession(ctx, dataDir, 'sync', async ({ client }) => {
    const stopProgress = printProgress(client);
    let report;
    try {
      report = await client.call('sync:run', {});
    } finally {
      stopProgress();
    }
    // Never "synced" while the folder is not used: nothing was looked at or written in it.
    if (report.folderProblem !== null) {
      const { folder } = await client.call('device:status', {});
      throw new NetGuardianError('FolderMissing', folderNotSynced(report, folder));
    }
    const { created, updated, deleted } = report.scanned;
    const scanned = `scanned: ${created} new, ${updated} changed, ${deleted} deleted`;
    if (!report.synced) {
      ctx.out(`${scanned}; no hub configured (or paused), nothing to sync`);
      return;
    }
    if (report.error) throw new NetGuardianError('StoreError', `sync failed: ${report.error}`);
    ctx.out(
      `synced: sent ${formatCount(report.sent)}, received ${formatCount(report.received)} changes${report.held > 0 ? `, ${formatCount(report.held)} held aside` : ''}`,
    );
  });
}

/**
 * `folder attach`: the folder at the configured path is the synced folder again (its marker was
 * missing or another folder's). The core refuses what looks like another folder unless forced,
 * and never takes the files that are not there for deleted (`folderAttach.ts`); a refusal is the
 * command's one failure line. Attached by this very command, the folder is synced at once.
 */
export async function folderAttachCommand(
  ctx: CliContext,
  dataDir: string,
  force: boolean,
): Promise<void> {
  await withSession(ctx, dataDir, 'folder attach', async (session) => {
    const report = await session.client.call('folder:attach', { force });
    if (report.outcome === 'refused')
      throw new NetGuardianError(
        report.refusal === 'folder-missing' ? 'FolderMissing' : 'AttachRefused',
        report.message,
      );
    ctx.out(report.message);
    if (report.outcome === 'attached') await syncIfOwner(session);
  });
}

export async function conflictsCommand(
  ctx: CliContext,
  dataDir: string,
  json: boolean,
): Promise<void> {
  await withSession(ctx, dataDir, 'conflicts', async ({ client }) => {
    const conflicts = await client.call('conflicts:list', {});
    if (json) ctx.out(JSON.stringify(conflicts, null, 2));
    else for (const line of conflictLines(conflicts)) ctx.out(line);
  });
}

export async function resolveCommand(
  ctx: CliContext,
  dataDir: string,
  entity: string,
  keep: string,
): Promise<void> {
  if (keep !== 'mine' && keep !== 'theirs' && keep !== 'both')
    fail(`--keep must be mine, theirs or both, not ${keep}`, 'keep');
  await withSession(ctx, dataDir, 'resolve', async (session) => {
    const id = await toEntityPath(session.client, entity);
    const { results } = await session.client.call('conflicts:resolve', {
      items: [{ path: id, keep: keep as 'mine' | 'theirs' | 'both' }],
    });
    const result = results[0];
    if (!result?.ok)
      throw new NetGuardianError('NoConflict', result?.error ?? `${id} could not be resolved`);
    ctx.out(`resolved ${result.path}: kept ${keep}`);
    await syncIfOwner(session);
  });
}

export async function historyCommand(
  ctx: CliContext,
  dataDir: string,
  entity: string,
  json: boolean,
): Promise<void> {
  await withSession(ctx, dataDir, 'history', async ({ client }) => {
    const id = await toEntityPath(client, entity);
    const history = await client.call('history:get', { path: id });
    if (history.length === 0)
      throw new NetGuardianError('NotFound', `${id} has no history on this device`, 'path');
    if (json) ctx.out(JSON.stringify(history, null, 2));
    else for (const line of historyLines(history)) ctx.out(line);
  });
}

/** What `netguardian restore` was asked: one version of one file, or every deletion since. */
export interface RestoreArgs {
  readonly path?: string | undefined;
  readonly version?: string | undefined;
  readonly deletedSince?: string | undefined;
}

export async function restoreCommand(
  ctx: CliContext,
  dataDir: string,
  args: RestoreArgs,
): Promise<void> {
  if (args.deletedSince !== undefined) {
    if (args.path !== undefined)
      fail('give either a path and a version, or --deleted-since, not both', 'path');
    const { parseSinceTime } = await import('./sinceTime.js');
    return restoreDeletedCommand(ctx, dataDir, parseSinceTime(args.deletedSince, Date.now()));
  }
  if (args.path === undefined || args.version === undefined)
    fail(
      'give the file and the version to bring back (`netguardian restore notes.txt 3f2a`), or --deleted-since <time>',
      args.path === undefined ? 'path' : 'version',
    );
  return restoreVersionCommand(ctx, dataDir, args.path as string, args.version as string);
}

/** How many restored paths are printed one per line; more are counted. */
const RESTORED_LINES = 20;

/** Brings back every file deleted since `since`, as one change, and says what it could not. */
async function restoreDeletedCommand(ctx: CliContext, dataDir: string, since: number) {
  await withSession(ctx, dataDir, 'restore', async (session) => {
    const when = new Date(since).toLocaleString();
    const report = await session.client.call('history:restoreDeleted', { since });
    const { restored, skipped } = report;
    if (restored.length === 0 && skipped.length === 0) {
      ctx.out(`no file was deleted since ${when}: nothing to restore`);
      return;
    }
    ctx.out(
      `restored ${restored.length} file${restored.length === 1 ? '' : 's'} deleted since ${when}`,
    );
    for (const p of restored.slice(0, RESTORED_LINES)) ctx.out(`  ${p}`);
    if (restored.length > RESTORED_LINES)
      ctx.out(`  … and ${restored.length - RESTORED_LINES} more`);
    if (skipped.length > 0) {
      ctx.out(`could not restore ${skipped.length}:`);
      for (const s of skipped) ctx.out(`  ${s.path}: ${s.reason}`);
    }
    if (restored.length > 0) await syncIfOwner(session);
  });
}

async function restoreVersionCommand(
  ctx: CliContext,
  dataDir: string,
  entity: string,
  version: string,
): Promise<void> {
  await withSession(ctx, dataDir, 'restore', async (session) => {
    const id = await toEntityPath(session.client, entity);
    const history = await session.client.call('history:get', { path: id });
    const matches = history.filter((v) => v.eventId.startsWith(version) && !v.deleted);
    if (matches.length === 0)
      throw new NetGuardianError(
        'NotFound',
        `${id} has no version ${version} with content (see \`netguardian history ${id}\`)`,
        'version',
      );
    if (matches.length > 1)
      fail(`version ${version} is ambiguous: give more characters`, 'version');
    const eventId = (matches[0] as (typeof matches)[number]).eventId;
    // Refuses, writing nothing, when the version's bytes are gone from the folder and the hub.
    const { restored } = await session.client.call('history:restore', { path: id, eventId });
    if (!restored) {
      ctx.out(`${id} already holds version ${eventId}: nothing to restore`);
      return;
    }
    ctx.out(`restored ${id} to version ${eventId}`);
    await syncIfOwner(session);
  });
}

/** The seed's CRDTFileHandler.uploadFile: copy a file into the folder and record it. */
export async function uploadCommand(
  ctx: CliContext,
  dataDir: string,
  file: string,
  as?: string,
): Promise<void> {
  // Checked before the device is opened: a bad argument changes nothing.
  const source = path.resolve(file);
  const st = await stat(source).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NetGuardianError(
      code === 'ENOENT' ? 'NotFound' : 'FileSystemError',
      code === 'ENOENT'
        ? `there is no file ${file}`
        : `${file} cannot be read (${code ?? 'error'})`,
      'file',
    );
  });
  if (!st.isFile()) fail(`${file} is not a file: upload copies one file into the folder`, 'file');
  await withSession(ctx, dataDir, 'upload', async (session) => {
    const target = await toEntityPath(session.client, as ?? path.basename(file));
    const result = await session.upload(target, source);
    ctx.out(`uploaded ${file} as ${result.path} (${result.size} bytes)`);
    await syncIfOwner(session);
  });
}

/**
 * A path given on the command line: relative to the folder, or absolute inside it (the folder as
 * the device sees it). The device checks it against the path rules.
 */
export async function toEntityPath(client: ContractClient, given: string): Promise<string> {
  if (!path.isAbsolute(given)) return given.split(path.sep).join('/');
  const { folder } = await client.call('device:status', {});
  const rel = path.relative(folder, given);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel))
    fail(`${given} is outside the synced folder ${folder}`, 'path');
  return rel.split(path.sep).join('/');
}
