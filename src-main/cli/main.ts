import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { isNetGuardianError } from '../../src-shared/errors.js';
import { errorInWords, isRawFailure } from '../../src-shared/errorWords.js';
import type { Logger } from '../core/log.js';
import { defaultDataDir } from '../core/defaultDataDir.js';
import type { CliContext } from './cliContext.js';

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
const LONG_RUNNING: ReadonlySet<string> = new Set(['start', 'serve', 'hub start']);

/**
 * `--log-format text|json` anywhere on the line (every command logs): taken out before the
 * command is parsed. Absent: NETGUARDIAN_LOG_FORMAT, else text.
 */
export function takeLogFormat(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { readonly rest: string[]; readonly format: 'text' | 'json' | { readonly bad: string } } {
  const rest: string[] = [];
  let given: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--log-format') given = argv[++i] ?? '';
    else if (arg.startsWith('--log-format=')) given = arg.slice('--log-format='.length);
    else rest.push(arg);
  }
  const value = given ?? env['NETGUARDIAN_LOG_FORMAT'] ?? 'text';
  return { rest, format: value === 'text' || value === 'json' ? value : { bad: value } };
}

export async function main(
  givenArgv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { rest: argv, format } = takeLogFormat(givenArgv, env);
  if (typeof format !== 'string') {
    process.stderr.write(
      `netguardian: --log-format must be text or json, not ${JSON.stringify(format.bad)}\n`,
    );
    return 2;
  }
  const out = (text: string) => process.stdout.write(`${text}\n`);
  let log: Promise<Logger> | undefined;
  const ctx: CliContext = {
    out,
    env,
    // Created when a command needs it: loading the logger costs a `status` answered by the daemon.
    logger: () =>
      (log ??= import('../core/log.js').then(({ createRootLogger }) =>
        createRootLogger({
          level:
            env['NETGUARDIAN_LOG'] ??
            (LONG_RUNNING.has(argv[0] === 'hub' ? `hub ${argv[1] ?? ''}` : (argv[0] ?? ''))
              ? 'warn'
              : 'error'),
          format,
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
    .description('Keep a folder in sync across devices through a hub')
    .addHelpText(
      'after',
      '\nEvery command takes --log-format text|json: the log on stderr as lines of text (the default) or as JSON records.',
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('init')
    .description('set up this device: the folder to sync, its name, and the hub it joins')
    .requiredOption('--folder <dir>', 'the folder to keep in sync')
    .option('--join <code>', 'the invite code from `netguardian hub invite` (none: local only)')
    .option('--name <name>', 'this device’s name (default: the host name)')
    .option('--space <id>', 'the space of a local-only device (with --join: the invite’s)')
    // No longer offered: refused with the way to do it now.
    .addOption(new Option('--hub <url>').hideHelp())
    .addOption(dataOption())
    .action(
      async (o: {
        folder: string;
        join?: string;
        name?: string;
        space?: string;
        hub?: string;
        data: string;
      }) => (await device()).initCommand(ctx, dataDir(o), o),
    );
  program
    .command('join <code>')
    .description(
      'move this device to the hub of an invite code (from local only, or from another hub)',
    )
    .addOption(dataOption())
    .action(async (code: string, o: { data: string }) =>
      (await import('./joinCommands.js')).joinCommand(ctx, dataDir(o), code),
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
    .command('ls [folder]')
    .description(
      "a folder's entries as this device knows them, folders first, with their sync state",
    )
    .option('--all', 'every entry (default: the first 200)')
    .option('--json', 'machine-readable output')
    .addOption(dataOption())
    .action(async (f: string | undefined, o: { data: string; all?: boolean; json?: boolean }) =>
      (await import('./listCommand.js')).listCommand(ctx, dataDir(o), f, {
        all: o.all === true,
        json: o.json === true,
      }),
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
  const trashCmd = program
    .command('trash')
    .description('replaced and deleted files kept on this device: `trash list`, `trash empty`');
  trashCmd
    .command('list')
    .description('what the trash holds, newest first: when, the path it had, size, why')
    .option('--json', 'machine-readable output')
    .addOption(dataOption())
    .action(async (o: { data: string; json?: boolean }) =>
      (await import('./trashCommands.js')).trashListCommand(ctx, dataDir(o), o.json === true),
    );
  trashCmd
    .command('empty')
    .description('remove what the trash holds for good (all of it, or what is older than a span)')
    .option('--older-than <duration>', 'only items trashed longer ago than this (30m, 24h, 7d)')
    .addOption(dataOption())
    .action(async (o: { data: string; olderThan?: string }) =>
      (await import('./trashCommands.js')).trashEmptyCommand(ctx, dataDir(o), o.olderThan),
    );

  const hubCmd = program
    .command('hub')
    .description('run the hub (the sync service devices pair with) and manage its devices');
  const hubDataOption = () =>
    new Option('--data <dir>', 'the hub’s data directory').makeOptionMandatory();
  hubCmd
    .command('start')
    .description('run the hub until Ctrl-C: its database, the sync service and the admin socket')
    .addOption(hubDataOption())
    .option('--listen <host:port>', 'where devices reach the hub', '0.0.0.0:7443')
    .option(
      '--advertise <host:port>',
      'the address devices dial for this process, when not the one it listens on (a NAT, a proxy)',
    )
    .option(
      '--database-url <url>',
      'an existing PostgreSQL server (default: DB_HOST… from --env-file or the environment, else the embedded server); several hub processes, each with its own --data, may serve one hub on it',
    )
    .addOption(
      new Option(
        '--env-file <file>',
        'read the DB_* settings of an existing server from this file',
      ),
    )
    .option(
      '--chunks <location>',
      'where file contents go: postgres (default) or s3://BUCKET/PREFIX (endpoint and keys from NETGUARDIAN_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or NETGUARDIAN_S3_CREDENTIALS_FILE)',
    )
    .action(
      async (o: {
        data: string;
        listen: string;
        advertise?: string;
        databaseUrl?: string;
        envFile?: string;
        chunks?: string;
      }) => (await hub()).hubStartCommand(ctx, { ...o, data: path.resolve(o.data) }),
    );
  hubCmd
    .command('spaces')
    .description('each space: its devices, events, chunks, the bytes stored and its quota')
    .addOption(hubDataOption())
    .option('--json', 'machine-readable output')
    .action(async (o: { data: string; json?: boolean }) =>
      (await hub()).hubSpacesCommand(ctx, { ...o, data: path.resolve(o.data) }),
    );
  hubCmd
    .command('quota <space> <size>')
    .description('limit the bytes a space may store on the hub (500MB, 10GB, 1TB), or "none"')
    .addOption(hubDataOption())
    // A size that starts with a dash ("-5MB") is a wrong size, told as one, not an option.
    .allowUnknownOption()
    .action(async (space: string, size: string, o: { data: string }) =>
      (await hub()).hubQuotaCommand(ctx, { data: path.resolve(o.data) }, space, size),
    );
  hubCmd
    .command('move-chunks')
    .description(
      'move the file contents this hub holds in PostgreSQL to its object storage, while devices sync',
    )
    .addOption(hubDataOption())
    .action(async (o: { data: string }) =>
      (await hub()).hubMoveChunksCommand(ctx, { data: path.resolve(o.data) }),
    );
  hubCmd
    .command('invite')
    .description('a one-time code a new device joins with (`netguardian init --join CODE`)')
    .addOption(hubDataOption())
    .option('--space <name>', 'the space the device joins', 'default')
    .option('--expires <duration>', 'how long the code is valid (30m, 24h, 7d; at most 30d)', '24h')
    .option('--address <host:port>', 'where the device reaches the hub (default: the hub’s own)')
    .action(async (o: { data: string; space: string; expires: string; address?: string }) =>
      (await hub()).hubInviteCommand(ctx, { ...o, data: path.resolve(o.data) }),
    );
  hubCmd
    .command('devices')
    .description('the paired devices: space, name, node id, online or last seen, revoked')
    .addOption(hubDataOption())
    .option('--space <name>', 'only this space')
    .option('--json', 'machine-readable output')
    .action(async (o: { data: string; space?: string; json?: boolean }) =>
      (await hub()).hubDevicesCommand(ctx, { ...o, data: path.resolve(o.data) }),
    );
  hubCmd
    .command('remove-device <device>')
    .description('revoke a device (its name or node id) at once: it can no longer sync')
    .addOption(hubDataOption())
    .option('--space <name>', 'the space it is in (when names repeat across spaces)')
    .action(async (device: string, o: { data: string; space?: string }) =>
      (await hub()).hubRemoveDeviceCommand(ctx, { ...o, data: path.resolve(o.data) }, device),
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // NetGuardian's own refusals are the core's sentences, written for this line; anything else,
    // or one that carries the system's words (a socket's, a file's), is put in words.
    const message = isNetGuardianError(e) && !isRawFailure(e) ? e.message : errorInWords(e);
    process.stderr.write(`netguardian: ${message}\n`);
    return 1;
  }
}
