import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FileView } from '../../src-shared/crdt/fileEntity.js';
import { NetGuardianError } from '../../src-shared/errors.js';
import { normalizeEntityPath, validateId } from '../../src-shared/paths.js';
import { CRDTFileHandler } from '../core/device/crdtFileHandler.js';
import { Device } from '../core/device/device.js';
import { restoreVersion } from '../core/device/restoreVersion.js';
import {
  dataPaths,
  readDeviceConfig,
  writeDeviceConfig,
  type DeviceConfig,
} from '../core/deviceConfig.js';
import type { Logger } from '../core/log.js';
import { resolveHub } from './hubSettings.js';
import { progressPrinter } from './progress.js';

export interface CliContext {
  readonly out: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
}

const fail = (message: string, field?: string): never => {
  throw new NetGuardianError('InvalidArgument', message, field);
};

export async function initCommand(
  ctx: CliContext,
  dataDir: string,
  opts: {
    folder: string;
    name?: string;
    space?: string;
    hub?: string;
    ssl?: string;
    sslCa?: string;
  },
): Promise<void> {
  const existing = await readDeviceConfig(dataDir);
  if (existing.ok)
    fail(`${dataDir} already holds a device (folder ${existing.value.folder}); use another --data`);
  const space = validateId('spaceId', opts.space ?? 'default');
  if (!space.ok) throw space.error;
  const ssl = opts.ssl ?? 'off';
  if (!['off', 'require', 'verify-full'].includes(ssl))
    fail(`--ssl must be off, require or verify-full, not ${ssl}`, 'ssl');
  const folder = path.resolve(opts.folder);
  await mkdir(folder, { recursive: true });
  const config: DeviceConfig = {
    version: 1,
    folder,
    spaceId: space.value,
    deviceName: opts.name ?? (await import('node:os')).hostname(),
    hub: opts.hub
      ? {
          url: opts.hub,
          ssl: ssl as 'off' | 'require' | 'verify-full',
          ...(opts.sslCa ? { sslCaFile: opts.sslCa } : {}),
        }
      : null,
    syncIntervalMs: 30_000,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  };
  await writeDeviceConfig(dataDir, config);
  // Open once: creates the store and device identity, checks the hub is reachable, first scan.
  const device = await openDevice(ctx, dataDir, config, true);
  try {
    await device.scan();
    const status = await device.status();
    ctx.out(
      `initialized ${config.deviceName} (${status.nodeId}) for ${folder} in space ${config.spaceId}`,
    );
    ctx.out(
      status.hub
        ? `hub: ${status.hub}`
        : 'no hub: the folder is tracked locally (add one with `netguardian init` in a new data dir, or DB_* keys)',
    );
    ctx.out(`data: ${dataDir}`);
  } finally {
    await device.close();
  }
}

async function openDevice(
  ctx: CliContext,
  dataDir: string,
  config: DeviceConfig,
  progress: boolean,
): Promise<Device> {
  const hub = await resolveHub(config, ctx.env);
  return Device.open({
    dataDir,
    config,
    hub,
    log: ctx.log,
    ...(progress ? { onEvent: progressPrinter() } : {}),
  });
}

export async function loadDevice(
  ctx: CliContext,
  dataDir: string,
  progress = true,
): Promise<Device> {
  const config = await readDeviceConfig(dataDir);
  if (!config.ok) throw config.error;
  return openDevice(ctx, dataDir, config.value, progress);
}

export async function withDevice<T>(
  ctx: CliContext,
  dataDir: string,
  use: (d: Device) => Promise<T>,
  progress = true,
): Promise<T> {
  const device = await loadDevice(ctx, dataDir, progress);
  try {
    return await use(device);
  } finally {
    await device.close();
  }
}

/** The daemon: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function startCommand(ctx: CliContext, dataDir: string): Promise<void> {
  const device = await loadDevice(ctx, dataDir);
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  try {
    await device.start();
    const status = await device.status();
    ctx.out(
      `watching ${status.folder} as ${status.deviceName}${status.hub ? `, syncing with ${status.hub}` : ' (no hub)'}; Ctrl-C to stop`,
    );
    const signal = await stopped;
    ctx.out(`${signal}: stopping`);
  } finally {
    await device.close();
  }
  ctx.out('stopped');
}

export async function statusCommand(
  ctx: CliContext,
  dataDir: string,
  json: boolean,
): Promise<void> {
  await withDevice(
    ctx,
    dataDir,
    async (device) => {
      const s = await device.status();
      if (json) {
        ctx.out(JSON.stringify(s, null, 2));
        return;
      }
      ctx.out(`device   ${s.deviceName} (${s.nodeId})`);
      ctx.out(`folder   ${s.folder} (space ${s.spaceId})`);
      ctx.out(`files    ${s.files}`);
      ctx.out(`conflicts ${s.conflicts}${s.conflicts > 0 ? ' (see `netguardian conflicts`)' : ''}`);
      if (s.quarantined > 0)
        ctx.out(
          `held     ${s.quarantined} events from peers kept aside (invalid or from a clock ahead)`,
        );
      if (!s.sync) {
        ctx.out('hub      none (local only)');
        return;
      }
      ctx.out(`hub      ${s.sync.peer} (${s.sync.online ? 'reachable' : 'offline'})`);
      ctx.out(
        `last sync ${s.sync.lastSync ? `${s.sync.lastSync.at} (sent ${s.sync.lastSync.eventsSent}, received ${s.sync.lastSync.eventsReceived})` : 'never'}`,
      );
      ctx.out(`pending  ${s.sync.pendingPush} local changes not on the hub yet`);
      if (s.sync.lastError)
        ctx.out(`last error ${s.sync.lastError.at}: ${s.sync.lastError.error ?? ''}`);
    },
    false,
  );
}

export async function syncCommand(ctx: CliContext, dataDir: string): Promise<void> {
  await withDevice(ctx, dataDir, async (device) => {
    const report = await device.syncNow();
    if (!report) {
      ctx.out('scanned; no hub configured, nothing to sync');
      return;
    }
    if (report.error) throw new NetGuardianError('StoreError', `sync failed: ${report.error}`);
    ctx.out(
      `synced: sent ${report.sent}, received ${report.received} changes${report.quarantined.length > 0 ? `, ${report.quarantined.length} held aside` : ''}`,
    );
  });
}

function describeConflict(view: FileView) {
  const versions = [view.winner, ...view.conflicts].filter((v) => v !== undefined);
  return {
    path: view.entityId,
    versions: versions.map((v, i) => ({
      version: v.id,
      device: v.nodeId,
      time: v.timestamp,
      size: v.value?.size ?? null,
      hash: v.value?.hash ?? null,
      onDisk: i === 0,
    })),
  };
}

export async function conflictsCommand(
  ctx: CliContext,
  dataDir: string,
  json: boolean,
): Promise<void> {
  await withDevice(
    ctx,
    dataDir,
    async (device) => {
      const conflicts = (await device.manager.listConflicts()).map(describeConflict);
      if (json) {
        ctx.out(JSON.stringify(conflicts, null, 2));
        return;
      }
      if (conflicts.length === 0) {
        ctx.out('no conflicts');
        return;
      }
      for (const c of conflicts) {
        ctx.out(c.path);
        for (const v of c.versions) {
          ctx.out(
            `  ${v.onDisk ? 'on disk ' : 'copy    '} ${v.device}  ${v.time}  ${v.size ?? '-'} bytes  version ${v.version}`,
          );
        }
      }
      ctx.out('resolve with: netguardian resolve <path> --keep mine|theirs|both');
    },
    false,
  );
}

export async function resolveCommand(
  ctx: CliContext,
  dataDir: string,
  entity: string,
  keep: string,
): Promise<void> {
  if (keep !== 'mine' && keep !== 'theirs' && keep !== 'both')
    fail(`--keep must be mine, theirs or both, not ${keep}`, 'keep');
  await withDevice(ctx, dataDir, async (device) => {
    const id = toEntityId(device, entity);
    const result = await device.resolveConflict(id, keep as 'mine' | 'theirs' | 'both');
    if (!result.ok) throw result.error;
    if (device.hub) await device.hub.engine.bidirectionalSync();
    ctx.out(`resolved ${id}: kept ${keep}`);
  });
}

export async function historyCommand(
  ctx: CliContext,
  dataDir: string,
  entity: string,
  json: boolean,
): Promise<void> {
  await withDevice(
    ctx,
    dataDir,
    async (device) => {
      const id = toEntityId(device, entity);
      const events = await device.store.eventsForEntity(device.spaceId, id);
      if (events.length === 0)
        throw new NetGuardianError('NotFound', `${id} has no history on this device`, 'path');
      const rows = events
        .sort((a, b) => (a.hlc < b.hlc ? -1 : 1))
        .map((e) => ({
          version: e.eventId,
          type: e.kind,
          device: e.nodeId,
          time: e.timestamp,
          size: e.data.content ? e.data.content.size : null,
          hash: e.data.content ? e.data.content.hash : null,
        }));
      if (json) {
        ctx.out(JSON.stringify(rows, null, 2));
        return;
      }
      for (const r of rows) {
        ctx.out(
          `${r.time}  ${r.type.padEnd(16)} ${r.device.padEnd(20)} ${r.size === null ? '-' : `${r.size} bytes`}  ${r.version}`,
        );
      }
    },
    false,
  );
}

export async function restoreCommand(
  ctx: CliContext,
  dataDir: string,
  entity: string,
  version: string,
): Promise<void> {
  await withDevice(ctx, dataDir, async (device) => {
    const id = toEntityId(device, entity);
    const events = await device.store.eventsForEntity(device.spaceId, id);
    const matches = events.filter((e) => e.eventId.startsWith(version) && e.data.content);
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
    const { restored } = await restoreVersion(device, id, eventId);
    if (!restored) {
      ctx.out(`${id} already holds version ${eventId}: nothing to restore`);
      return;
    }
    if (device.hub) await device.hub.engine.bidirectionalSync();
    ctx.out(`restored ${id} to version ${eventId}`);
  });
}

/** The seed's CRDTFileHandler.uploadFile: copy a file into the folder and record it. */
export async function uploadCommand(
  ctx: CliContext,
  dataDir: string,
  file: string,
  as?: string,
): Promise<void> {
  await withDevice(ctx, dataDir, async (device) => {
    const target = as === undefined ? undefined : toEntityId(device, as);
    const result = await new CRDTFileHandler(device).uploadFile(file, target);
    if (!result.ok) throw result.error;
    if (device.hub) await device.hub.engine.bidirectionalSync();
    ctx.out(
      `uploaded ${file} as ${result.value.entityId} (${result.value.content?.size ?? 0} bytes)`,
    );
  });
}

/** A path given on the command line: relative to the folder, or absolute inside it. */
function toEntityId(device: Device, given: string): string {
  const rel = path.isAbsolute(given) ? path.relative(device.root, given) : given;
  if (rel.startsWith('..')) fail(`${given} is outside the synced folder ${device.root}`, 'path');
  const id = normalizeEntityPath(rel);
  if (!id.ok) throw id.error;
  return id.value;
}

export { dataPaths };
