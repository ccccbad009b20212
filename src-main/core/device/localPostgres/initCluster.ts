import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { appendFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { CLUSTER_INITDB_FLAGS } from '../../hub/embeddedPostgres.js';
import type { Logger } from '../../log.js';
import type { PostgresBinaries } from './binaries.js';
import { fsyncDir, fsyncFile, writeFileDurably } from '../../files/durableFs.js';
import { homeLayout, initdbScratch, INITDB_SCRATCH_PREFIX } from './layout.js';
import { childExit } from './processControl.js';
import { INCLUDE_SETTINGS_LINE } from './serverConfig.js';
import { logTail } from './serverLog.js';
import { giveToServer, serverSpawnOptions, type ServerUser } from './serverUser.js';

/** Written into a cluster last, before it is renamed into place: its presence means complete. */
export const COMPLETE_MARKER = 'netguardian-initdb-complete';

/** initdb takes seconds; one that runs for minutes is stuck. */
const INITDB_TIMEOUT_MS = 180_000;

export const isCompleteCluster = (pgdata: string): boolean =>
  existsSync(path.join(pgdata, 'PG_VERSION')) && existsSync(path.join(pgdata, COMPLETE_MARKER));

export interface CreateClusterOptions {
  readonly home: string;
  readonly user: ServerUser;
  readonly binaries: PostgresBinaries;
  readonly superuser: string;
  readonly password: string;
  /** initdb's output goes here (the server log). */
  readonly logFd: number;
  readonly logFile: string;
  readonly log: Logger;
}

/**
 * Makes the cluster in `<home>/pgdata`. initdb writes into a scratch folder that is renamed to
 * `pgdata` only once initdb succeeded and our settings include is in place, so `pgdata` is
 * either absent or complete; anything else found there (a cluster without the marker) and any
 * scratch folder left by a killed start are removed first.
 */
export async function createCluster(options: CreateClusterOptions): Promise<void> {
  const { home, user, log } = options;
  const { pgdata } = homeLayout(home);
  if (existsSync(pgdata)) {
    log.warn({ pgdata }, 'the cluster was left half made; making it again');
    await rm(pgdata, { recursive: true, force: true, maxRetries: 3 });
  }
  for (const name of await readdir(home))
    if (name.startsWith(INITDB_SCRATCH_PREFIX))
      await rm(path.join(home, name), { recursive: true, force: true, maxRetries: 3 });

  const scratch = initdbScratch(home, randomBytes(4).toString('hex'));
  await writeFile(scratch.passwordFile, options.password + '\n', { mode: 0o600 });
  await giveToServer(scratch.passwordFile, user);
  try {
    await runInitdb(options, scratch.dir, scratch.passwordFile);
  } finally {
    await rm(scratch.passwordFile, { force: true });
  }

  // initdb fsyncs what it wrote; what we add is fsynced here, before the rename publishes it.
  const conf = path.join(scratch.dir, 'postgresql.conf');
  await appendFile(
    conf,
    `\n# NetGuardian's settings, rewritten on every start.\n${INCLUDE_SETTINGS_LINE}\n`,
  );
  const marker = path.join(scratch.dir, COMPLETE_MARKER);
  await writeFileDurably(marker, `${new Date().toISOString()}\n`, { mode: 0o600 });
  await giveToServer(marker, user);
  await fsyncFile(conf);
  await rename(scratch.dir, pgdata);
  await fsyncDir(home);
}

async function runInitdb(
  options: CreateClusterOptions,
  pgdata: string,
  passwordFile: string,
): Promise<void> {
  const started = Date.now();
  const child = spawn(
    options.binaries.initdb,
    [
      `--pgdata=${pgdata}`,
      '--auth=scram-sha-256',
      `--username=${options.superuser}`,
      `--pwfile=${passwordFile}`,
      ...CLUSTER_INITDB_FLAGS,
    ],
    {
      ...serverSpawnOptions(options.user, options.home),
      stdio: ['ignore', options.logFd, options.logFd],
    },
  );
  const exit = await childExit(child, INITDB_TIMEOUT_MS);
  if (exit === undefined) child.kill('SIGKILL');
  if (exit?.code === 0) {
    options.log.info({ pgdata, ms: Date.now() - started }, 'created the store cluster');
    return;
  }
  const what =
    exit === undefined
      ? `did not finish in ${INITDB_TIMEOUT_MS / 1000} s`
      : exit.error !== undefined
        ? `could not run (${exit.error.message})`
        : `failed (exit code ${exit.code}, signal ${exit.signal})`;
  throw new NetGuardianError(
    'StoreError',
    `initdb ${what} creating the store cluster in ${options.home}; server log:\n${await logTail(options.logFile)}`,
  );
}
