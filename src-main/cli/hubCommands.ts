import path from 'node:path';
import { NetGuardianError } from '../../src-shared/errors.js';
import type { CliContext } from './cliContext.js';
import { deviceLines, spaceLines, type HubDeviceRow, type HubSpaceRow } from './hubPrinting.js';
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
  opts: HubSource & {
    data: string;
    listen?: string;
    advertise?: string;
    databaseUrl?: string;
    chunks?: string;
  },
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
    ...(opts.chunks !== undefined ? { chunks: opts.chunks } : {}),
    env: ctx.env,
    log: await ctx.logger(),
  });
  const stopped = stopSignal();
  const { host, port } = hub.address;
  ctx.out(
    `hub ${hub.created ? 'created' : 'started'}: listening on ${host.includes(':') ? `[${host}]` : host}:${port} (${databaseUrl ? 'PostgreSQL server given' : `embedded PostgreSQL in ${opts.data}`})`,
  );
  if (hub.joined) {
    // A new data dir on a database that holds a hub: meant as another process, or a mistake.
    const { others } = hub.joined;
    ctx.out(
      `this database already holds hub ${hub.hubId}: this process joined it as another of its processes${others.length > 0 ? ` (its processes listed now: ${others.join(', ')})` : ''}; devices use any of them. For a new hub of its own, give it a database of its own`,
    );
  }
  ctx.out(
    `file contents stored in ${hub.chunkLocation === 'postgres' ? 'PostgreSQL' : hub.chunkLocation}`,
  );
  const left = hub.chunksInPostgres;
  if (left && left.chunks > 0) {
    const { countOf, formatBytes } = await import('../../src-shared/words.js');
    ctx.out(
      `${countOf(left.chunks, 'chunk')} (${formatBytes(left.bytes)}) are still in PostgreSQL and served from there: move them with netguardian hub move-chunks --data ${quoteArg(opts.data)}`,
    );
  }
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
    `joins space ${space.value}, valid until ${new Date(answer.expiresAt).toLocaleString(undefined, { timeZoneName: 'short' })}; use once: netguardian init --folder FOLDER --join CODE`,
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

/** `hub spaces`: what each space holds on the hub, and its quota. */
export async function hubSpacesCommand(
  ctx: CliContext,
  opts: { data: string; json?: boolean },
): Promise<void> {
  const { askHub } = await import('../core/hubService/adminSocket.js');
  const { spaces } = await askHub<{ spaces: HubSpaceRow[] }>(adminSocket(opts.data), '/spaces', {});
  if (opts.json === true) ctx.out(JSON.stringify(spaces, null, 2));
  else for (const line of spaceLines(spaces)) ctx.out(line);
}

/** `hub quota SPACE SIZE|none`: sets or lifts a space's quota; uploads past it are refused. */
export async function hubQuotaCommand(
  ctx: CliContext,
  opts: { data: string },
  space: string,
  size: string,
): Promise<void> {
  const { validateId } = await import('../../src-shared/paths.js');
  const id = validateId('spaceId', space);
  if (!id.ok) throw id.error;
  const { parseByteSize } = await import('./byteSize.js');
  const bytes =
    size.trim().toLowerCase() === 'none' ? null : parseByteSize(size, 'the quota', 'size');
  const { askHub } = await import('../core/hubService/adminSocket.js');
  // A mistyped name would make a space of its own, listed for good: only a space the hub knows.
  const { spaces } = await askHub<{ spaces: HubSpaceRow[] }>(adminSocket(opts.data), '/spaces', {});
  if (!spaces.some((s) => s.spaceId === id.value))
    throw new NetGuardianError(
      'NotFound',
      `this hub has no space ${id.value}${spaces.length > 0 ? ` (its spaces: ${spaces.map((s) => s.spaceId).join(', ')})` : ''}: a space begins when its first device joins (invite one: netguardian hub invite --data ${quoteArg(opts.data)} --space ${id.value})`,
      'space',
    );
  await askHub(adminSocket(opts.data), '/quota', { spaceId: id.value, bytes });
  const { formatBytes } = await import('../../src-shared/words.js');
  ctx.out(
    bytes === null
      ? `space ${id.value} has no quota now`
      : `space ${id.value} may store up to ${formatBytes(bytes)} on the hub; uploads past it are refused`,
  );
  const held = spaces.find((s) => s.spaceId === id.value)?.bytes ?? 0;
  if (bytes !== null && held >= bytes)
    ctx.out(
      `space ${id.value} already holds ${formatBytes(held)}: every upload to it is refused until it holds less than the quota (or the quota is raised)`,
    );
}

/** How often `hub move-chunks` asks the hub where the move stands. */
const MOVE_POLL_MS = 1000;

/**
 * `hub move-chunks`: has the running hub move the chunks it holds in PostgreSQL to its object
 * storage, printing progress until the move ends. Devices keep syncing meanwhile; Ctrl-C stops
 * only the printing (the hub goes on; run it again to watch).
 */
export async function hubMoveChunksCommand(ctx: CliContext, opts: { data: string }): Promise<void> {
  const { askHub } = await import('../core/hubService/adminSocket.js');
  const { formatBytes } = await import('../../src-shared/words.js');
  type Move = {
    state: 'idle' | 'moving' | 'done' | 'failed';
    totalChunks: number;
    totalBytes: number;
    movedChunks: number;
    movedBytes: number;
    error?: string;
  };
  const ask = async (start: boolean) =>
    (await askHub<{ move: Move }>(adminSocket(opts.data), '/move-chunks', { start })).move;
  // On a terminal one line rewritten; otherwise (logs) a line every few seconds.
  const tty = process.stderr.isTTY;
  let shownAt = 0;
  let move = await ask(true);
  // Bounded by the move itself: it ends (done or failed) once every row was visited.
  for (;;) {
    if (move.state === 'moving' && (tty || Date.now() - shownAt >= 5000)) {
      shownAt = Date.now();
      const line = `moving chunks to object storage: ${formatBytes(move.movedBytes)} of ${formatBytes(move.totalBytes)} (${move.movedChunks} of ${move.totalChunks} chunks)`;
      process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    }
    if (move.state === 'done' || move.state === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, MOVE_POLL_MS));
    move = await ask(false);
  }
  if (tty && shownAt > 0) process.stderr.write('\n');
  if (move.state === 'failed')
    throw new NetGuardianError('StoreError', move.error ?? 'the move failed');
  ctx.out(
    `moved ${move.movedChunks} chunks (${formatBytes(move.movedBytes)}) to object storage; the hub serves them from there`,
  );
  if (move.movedChunks > 0)
    // An admin who moved contents off the database to free its disk would look for the space.
    ctx.out(
      'PostgreSQL reuses the space they held for new rows; VACUUM FULL crdt_chunks gives it back to the disk (it locks the table while it runs: devices wait)',
    );
}
