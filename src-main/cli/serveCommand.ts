import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetGuardianError } from '../../src-shared/errors.js';
import { openDeviceOwner } from '../core/app/deviceOwner.js';
import { startHeadlessServer } from '../core/headless/server.js';
import { hubResolver, type CliContext } from './cliContext.js';
import { stopSignal } from './startCommand.js';

/**
 * The built renderer of this checkout (not of the working directory): `dist/renderer` in the
 * first folder above this module that holds a package.json, so it is found from the sources
 * (src-main/cli/) and from any depth of the CLI bundle (dist/cli/chunks/) alike.
 */
export function defaultStaticDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8 && !existsSync(path.join(dir, 'package.json')); i++)
    dir = path.dirname(dir);
  return path.join(dir, 'dist', 'renderer');
}

/**
 * `netguardian serve`: runs the device (it owns the data dir, as `start` does: watch, scan, live
 * and periodic sync) plus the web interface on a loopback address, until SIGINT/SIGTERM. Prints
 * the address to open (it carries the access token), and the same address as a
 * `NETGUARDIAN_URL=` line for scripts and tests.
 */
export async function serveCommand(
  ctx: CliContext,
  dataDir: string,
  opts: { port: string; host: string; static?: string },
): Promise<void> {
  if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535)
    throw new NetGuardianError(
      'InvalidArgument',
      `--port must be a port number, not ${opts.port}`,
      'port',
    );
  const stopped = stopSignal();
  const log = await ctx.logger();
  const owner = await openDeviceOwner({
    dataDir,
    command: 'netguardian serve',
    resolveHub: hubResolver,
    log,
  });
  const { service } = owner;
  try {
    const server = await startHeadlessServer({
      service,
      host: opts.host,
      port: Number(opts.port),
      staticDir: opts.static ? path.resolve(opts.static) : defaultStaticDir(),
      log,
    });
    try {
      ctx.out(`NetGuardian is syncing ${service.root}; open ${server.url} (Ctrl-C to stop)`);
      ctx.out(`NETGUARDIAN_URL=${server.url}`);
      service
        .start()
        .catch((e: unknown) =>
          process.stderr.write(`netguardian: the sync could not start: ${(e as Error).message}\n`),
        );
      const signal = await stopped;
      ctx.out(`${signal}: stopping`);
    } finally {
      await server.close();
    }
  } finally {
    await owner.close();
  }
  ctx.out('stopped');
}
