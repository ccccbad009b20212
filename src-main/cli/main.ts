import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { isNetGuardianError } from '../../src-shared/errors.js';
import type { Logger } from '../core/log.js';
import { defaultDataDir } from '../core/defaultDataDir.js';
import type { CliContext } from './deviceCommands.js';
import type { HubSource } from './hubSettings.js';

/**
 * The `netguardian` command. Configuration is read here, at the edge (flags,
 * NETGUARDIAN_DATA, and for `hub` commands the seed's DB_* keys from the environment or
 * `--env-file`), and passed down; the core never reads the environment. No `.env` is read from
 * the working directory: in a synced folder it is a peer's file.
 *
 * Each command's module is imported when the command runs, not here: `netguardian --help`, and a
 * `status` answered by the running daemon, must not load the store, the folder layer and their
 * packages (seconds of start-up for nothing).
 */
/**
 * Commands that run until stopped (a device's owner, a hub) log warnings by default; a one-shot
 * command only errors: what went wrong for it is its one line, and a warning from the core (a hub
 * out of reach) would say it again.
 */
const LONG_RUNNING: ReadonlySet<string> = new Set(['start', 'serve', 'hub']);

export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  let log: Promise<Logger> | undefined;
  const ctx: CliContext = {
    out,
    env,
    // Created when a command needs it: loading the logger costs a `status` answered by the daemon.
    logger: () =>
      (log ??= import('../core/log.js').then(({ createRootLogger }) =>
        createRootLogger({
          level: env['NETGUARDIAN_LOG'] ?? (LONG_RUNNING.has(argv[0] ?? '') ? 'warn' : 'error'),
          format: env['NETGUARDIAN_LOG_FORMAT'] === 'json' ? 'json' : 'text',
        }),
      )),
  };
  const device = () => import('./deviceCommands.js');
  const hub = () => import('./hubCommands.js');
  const dataOption = () =>
    new Option('--data <dir>', 'device data directory').default(
      env['NETGUARDIAN_DATA'] ?? defaultDataDir(),
      '$NETGUARDIAN_DATA or ~/.netguardian',
    );
  const dataDir = (opts: { data: string }) => path.resolve(opts.data);

  const program = new Command('netguardian')
    .description('Keep a folder in sync across devices through a PostgreSQL hub')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('init')
    .description('set up this device: the folder to sync, its name, and the hub')
    .requiredOption('--folder <dir>', 'the folder to keep in sync')
    .option('--name <name>', 'this device’s name (default: the host name)')
    .option('--space <id>', 'the shared folder id, the same on every device', 'default')
    .option('--hub <url>', 'the hub connection string from `netguardian hub add-device`')
    .option('--ssl <mode>', 'TLS to the hub: off, require or verify-full', 'off')
    .option('--ssl-ca <file>', 'CA certificate for verify-full')
    .addOption(dataOption())
    .action(
      async (o: {
        folder: string;
        name?: string;
        space: string;
        hub?: string;
        ssl: string;
        sslCa?: string;
        data: string;
      }) => (await device()).initCommand(ctx, dataDir(o), o),
    );
  program
    .command('start')
    .description('watch the folder and sync live and periodically, until Ctrl-C')
    .addOption(dataOption())
    .action(async (o: { data: string }) =>
      (await import('./startCommand.js')).startCommand(ctx, dataDir(o)),
    );
  program
    .command('serve')
    .description(
      'run the daemon with the web interface on this machine (headless mode), until Ctrl-C',
    )
    .option('--port <port>', 'TCP port (0 = any free port)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--static <dir>', 'the built web interface (default: dist/renderer)')
    .addOption(dataOption())
    .action(async (o: { data: string; port: string; host: string; static?: string }) =>
      (await import('./serveCommand.js')).serveCommand(ctx, dataDir(o), o),
    );
  program
    .command('status')
    .description('what is synced, pending and in conflict')
    .option('--json', 'machine-readable output')
    .addOption(dataOption())
    .action(async (o: { data: string; json?: boolean }) =>
      (await device()).statusCommand(ctx, dataDir(o), o.json === true),
    );
  program
    .command('sync')
    .description('scan and sync once, now')
    .addOption(dataOption())
    .action(async (o: { data: string }) => (await device()).syncCommand(ctx, dataDir(o)));
  program
    .command('folder')
    .description(
      'the synced folder: `folder attach` re-attaches it when its marker file is missing',
    )
    .command('attach')
    .description(
      're-attach the folder at the configured path when its marker file is missing (refused when it looks like another folder, unless --force; never deletes files)',
    )
    .option('--force', 'attach it even if it is empty or most of its files are missing')
    .addOption(dataOption())
    .action(async (o: { data: string; force?: boolean }) =>
      (await device()).folderAttachCommand(ctx, dataDir(o), o.force === true),
    );
  program
    .command('conflicts')
    .description('files changed on two devices at once')
    .option('--json', 'machine-readable output')
    .addOption(dataOption())
    .action(async (o: { data: string; json?: boolean }) =>
      (await device()).conflictsCommand(ctx, dataDir(o), o.json === true),
    );
  program
    .command('resolve <path>')
    .description('settle a conflict on every device')
    .requiredOption('--keep <which>', 'mine, theirs or both')
    .addOption(dataOption())
    .action(async (p: string, o: { data: string; keep: string }) =>
      (await device()).resolveCommand(ctx, dataDir(o), p, o.keep),
    );
  program
    .command('history <path>')
    .description('every version of a file')
    .option('--json', 'machine-readable output')
    .addOption(dataOption())
    .action(async (p: string, o: { data: string; json?: boolean }) =>
      (await device()).historyCommand(ctx, dataDir(o), p, o.json === true),
    );
  program
    .command('restore [path] [version]')
    .description(
      'bring back a version from the history, or every file deleted since a time (as a new change)',
    )
    .option('--deleted-since <time>', 'a date (2026-12-04T18:30) or a span back from now (2h, 1d)')
    .addOption(dataOption())
    .action(
      async (
        p: string | undefined,
        v: string | undefined,
        o: { data: string; deletedSince?: string },
      ) => (await device()).restoreCommand(ctx, dataDir(o), { path: p, version: v, ...o }),
    );
  program
    .command('upload <file>')
    .description('copy a file into the synced folder and record it')
    .option('--as <path>', 'where in the folder (default: its name at the top)')
    .addOption(dataOption())
    .action(async (f: string, o: { data: string; as?: string }) =>
      (await device()).uploadCommand(ctx, dataDir(o), f, o.as),
    );

  const hubCmd = program
    .command('hub')
    .description('run or administer the hub (a PostgreSQL server)');
  hubCmd
    .command('start')
    .description('run a hub server from the bundled PostgreSQL binaries, until Ctrl-C')
    .requiredOption('--data <dir>', 'where the hub keeps its database')
    .option('--port <port>', 'TCP port', '5433')
    .option('--listen <addresses>', 'addresses to listen on (default 127.0.0.1)')
    .action(async (o: { data: string; port: string; listen?: string }) =>
      (await hub()).hubStartCommand(ctx, { ...o, data: path.resolve(o.data) }),
    );
  // The admin connection: --url, else the DB_* keys of --env-file's file, else the environment's.
  const urlOption = () => new Option('--url <url>', 'admin connection string of the hub');
  const envFileOption = () =>
    new Option('--env-file <file>', 'read the hub’s DB_* settings from this file');
  hubCmd
    .command('init')
    .description('prepare an existing PostgreSQL database as a hub')
    .addOption(urlOption())
    .addOption(envFileOption())
    .action(async (o: HubSource) => (await hub()).hubInitCommand(ctx, o));
  hubCmd
    .command('add-device')
    .description('create credentials for a device and print its connection string')
    .addOption(urlOption())
    .addOption(envFileOption())
    .requiredOption('--space <id>', 'the space the device may sync')
    .requiredOption('--name <name>', 'the device’s name')
    .option('--host <host>', 'host name devices reach the hub at (default: the admin URL’s)')
    .option('--port <port>', 'port devices reach the hub at')
    .action(async (o: HubSource & { space: string; name: string; host?: string; port?: string }) =>
      (await hub()).hubAddDeviceCommand(ctx, o),
    );
  hubCmd
    .command('list-devices')
    .addOption(urlOption())
    .addOption(envFileOption())
    .option('--json', 'machine-readable output')
    .action(async (o: HubSource & { json?: boolean }) =>
      (await hub()).hubListDevicesCommand(ctx, o, o.json === true),
    );
  hubCmd
    .command('remove-device <role>')
    .addOption(urlOption())
    .addOption(envFileOption())
    .action(async (role: string, o: HubSource) =>
      (await hub()).hubRemoveDeviceCommand(ctx, o, role),
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const message = isNetGuardianError(e) ? e.message : e instanceof Error ? e.message : String(e);
    process.stderr.write(`netguardian: ${message}\n`);
    return 1;
  }
}
