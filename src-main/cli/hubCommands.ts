import path from 'node:path';
import { NetGuardianError } from '../../src-shared/errors.js';
import type { CliContext } from './cliContext.js';
import { deviceLines, type HubDeviceRow } from './hubPrinting.js';
import { hubDatabaseUrl, type HubSource } from './hubSettings.js';
import { parseDuration } from './duration.js';
import { stopSignal } from './startCommand.js';

/**
 * The hub's commands. `hub start` runs the hub (its PostgreSQL, the TLS sync service devices
 * talk to, and the admin socket in its data dir); every other `hub` command asks that running
 * hub over the admin socket, as the user who runs it (the socket is 0600).
 */

/** What the hub keeps in its data dir that the admin commands need. */
const adminSocket = (dataDir: string) => path.join(dataDir, 'admin.sock');

/** `hub start`: runs the hub until SIGINT/SIGTERM. Prints no password and no secret. */
export async function hubStartCommand(
  ctx: CliContext,
  opts: HubSource & { data: string; listen?: string; advertise?: string; databaseUrl?: string },
): Promise<void> {
  const { startHubService } = await import('../core/hubService/hubRuntime.js');
  if (opts.advertise !== undefined) {
    const { splitAddress } = await import('../../src-shared/hubProtocol/inviteCode.js');
    const split = splitAddress(opts.advertise);
    if (!split.ok)
      throw new NetGuardianError('InvalidArgument', `--advertise ${split.error}`, 'advertise');
  }
  const databaseUrl = opts.databaseUrl ?? (await hubDatabaseUrl(opts, ctx.env));
  const hub = await startHubService({
    dataDir: opts.data,
    ...(opts.listen ? { listen: opts.listen } : {}),
    ...(opts.advertise ? { advertise: opts.advertise } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
    log: await ctx.logger(),
  });
  const stopped = stopSignal();
  const { host, port } = hub.address;
  ctx.out(
    `hub ${hub.created ? 'created' : 'started'}: listening on ${host.includes(':') ? `[${host}]` : host}:${port} (${databaseUrl ? 'PostgreSQL server given' : `embedded PostgreSQL in ${opts.data}`})`,
  );
  ctx.out(`certificate fingerprint (SHA-256): ${hub.fingerprint}`);
  ctx.out(
    `invite a device: netguardian hub invite --data ${quoteArg(opts.data)}, then on the device: netguardian init --folder FOLDER --join CODE`,
  );
  const signal = await stopped;
  ctx.out(`${signal}: stopping the hub`);
  await hub.stop();
}

/** `hub invite`: a one-time code for a new device, from the running hub. */
export async function hubInviteCommand(
  ctx: CliContext,
  opts: { data: string; space: string; expires: string; address?: string },
): Promise<void> {
  const { validateId } = await import('../../src-shared/paths.js');
  const space = validateId('spaceId', opts.space);
  if (!space.ok) throw space.error;
  const expiresInMs = parseDuration(opts.expires, 'expires');
  if (opts.address !== undefined) {
    const { splitAddress } = await import('../../src-shared/hubProtocol/inviteCode.js');
    const split = splitAddress(opts.address);
    if (!split.ok)
      throw new NetGuardianError('InvalidArgument', `--address ${split.error}`, 'address');
  }
  const { askHub } = await import('../core/hubService/adminSocket.js');
  const answer = await askHub<{ code: string; expiresAt: string }>(
    adminSocket(opts.data),
    '/invite',
    {
      spaceId: space.value,
      expiresInMs,
      ...(opts.address !== undefined ? { address: opts.address } : {}),
    },
  );
  ctx.out(answer.code);
  ctx.out(
    `joins space ${space.value}, valid until ${new Date(answer.expiresAt).toLocaleString()}; use once: netguardian init --folder FOLDER --join CODE`,
  );
}

/** `hub devices`: the paired devices, their space, whether they are online, revoked ones too. */
export async function hubDevicesCommand(
  ctx: CliContext,
  opts: { data: string; space?: string; json?: boolean },
): Promise<void> {
  const { askHub } = await import('../core/hubService/adminSocket.js');
  const { devices } = await askHub<{ devices: HubDeviceRow[] }>(
    adminSocket(opts.data),
    '/devices',
    opts.space !== undefined ? { spaceId: opts.space } : {},
  );
  if (opts.json === true) ctx.out(JSON.stringify(devices, null, 2));
  else for (const line of deviceLines(devices, Date.now())) ctx.out(line);
}

/** `hub remove-device`: revokes a device at once; the hub closes its connections. */
export async function hubRemoveDeviceCommand(
  ctx: CliContext,
  opts: { data: string; space?: string },
  device: string,
): Promise<void> {
  const { askHub } = await import('../core/hubService/adminSocket.js');
  // A refusal (no such device, an ambiguous name) comes back as the hub's sentence.
  const { removed } = await askHub<{
    removed: { spaceId: string; nodeId: string; deviceName: string }[];
  }>(adminSocket(opts.data), '/remove-device', {
    device,
    ...(opts.space !== undefined ? { spaceId: opts.space } : {}),
  });
  for (const d of removed)
    ctx.out(
      `removed ${d.deviceName} (${d.nodeId}) from space ${d.spaceId}: it can no longer sync with this hub`,
    );
}

/** A path as the user may paste it back into a shell. */
const quoteArg = (arg: string) => (/^[A-Za-z0-9_./:@-]+$/.test(arg) ? arg : `'${arg}'`);
