import { NetGuardianError } from '../../src-shared/errors.js';
import {
  addDevice,
  initHub,
  listDevices,
  removeDevice,
  type HubAdminTarget,
} from '../core/hub/hubAdmin.js';
import { startEmbeddedHub } from '../core/hub/embeddedHub.js';
import { redactUrl } from '../core/store/pgClient.js';
import type { CliContext } from './deviceCommands.js';
import { hubAdminTarget, type HubSource } from './hubSettings.js';

/** `hub start`: a PostgreSQL server for the hub, from the npm package's binaries; runs until SIGINT/SIGTERM. */
export async function hubStartCommand(
  ctx: CliContext,
  opts: { data: string; port?: string; listen?: string },
): Promise<void> {
  const port = opts.port === undefined ? 5433 : Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new NetGuardianError(
      'InvalidArgument',
      `--port must be a port number, not ${opts.port}`,
      'port',
    );
  }
  const hub = await startEmbeddedHub({
    dataDir: opts.data,
    port,
    ...(opts.listen ? { listen: opts.listen } : {}),
    log: await ctx.logger(),
  });
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  ctx.out(
    `hub running on port ${hub.port} (${hub.created ? 'created' : 'existing'} data in ${hub.dataDir})`,
  );
  ctx.out(`admin URL (keep it private): ${hub.adminUrl}`);
  ctx.out(
    `add a device: netguardian hub add-device --url '${hub.adminUrl}' --space <space> --name <device>`,
  );
  const signal = await stopped;
  ctx.out(`${signal}: stopping the hub`);
  await hub.stop();
}

/** The admin's URL as a sentence may show it (no password). */
const shown = (target: HubAdminTarget) =>
  redactUrl(typeof target === 'string' ? target : target.connectionString);

export async function hubInitCommand(ctx: CliContext, source: HubSource): Promise<void> {
  const target = await hubAdminTarget(source, ctx.env);
  const report = await initHub(target);
  ctx.out(
    report.applied.length > 0
      ? `hub at ${shown(target)} prepared: applied migrations ${report.applied.join(', ')}`
      : `hub at ${shown(target)} is already current`,
  );
}

export async function hubAddDeviceCommand(
  ctx: CliContext,
  opts: HubSource & { space: string; name: string; host?: string; port?: string },
): Promise<void> {
  const creds = await addDevice(await hubAdminTarget(opts, ctx.env), {
    spaceId: opts.space,
    deviceName: opts.name,
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.port ? { port: Number(opts.port) } : {}),
  });
  ctx.out(`device ${creds.deviceName} may now sync space ${creds.spaceId} as role ${creds.role}.`);
  ctx.out('On that device run:');
  ctx.out(
    `  netguardian init --folder <folder> --name '${creds.deviceName}' --space ${creds.spaceId} --hub '${creds.connectionString}'`,
  );
  ctx.out('(the password is shown only now; the hub keeps only a SCRAM verifier)');
}

export async function hubListDevicesCommand(
  ctx: CliContext,
  source: HubSource,
  json: boolean,
): Promise<void> {
  const devices = await listDevices(await hubAdminTarget(source, ctx.env));
  if (json) {
    ctx.out(JSON.stringify(devices, null, 2));
    return;
  }
  if (devices.length === 0) ctx.out('no devices');
  for (const d of devices)
    ctx.out(`${d.role.padEnd(28)} ${d.deviceName.padEnd(20)} spaces: ${d.spaces.join(', ')}`);
}

export async function hubRemoveDeviceCommand(
  ctx: CliContext,
  source: HubSource,
  role: string,
): Promise<void> {
  const removed = await removeDevice(await hubAdminTarget(source, ctx.env), { role });
  ctx.out(removed ? `removed ${role}` : `${role} was not a device of this hub`);
}
