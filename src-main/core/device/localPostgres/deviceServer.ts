import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { childLogger, type Logger } from '../../log.js';
import type { PgClientOptions } from '../../store/pgClient.js';
import { assertServerCanRun, locatePostgresBinaries } from './binaries.js';
import { locateCluster, prepareClusterHome } from './clusterLocation.js';
import { prepareEndpoint, type ServerEndpoint } from './endpoint.js';
import { createCluster, isCompleteCluster } from './initCluster.js';
import { DEFAULT_SHARED_CLUSTERS_DIR, dataDirFiles, homeLayout } from './layout.js';
import { stopOrphanedServer } from './orphanServer.js';
import { renderHbaFile, renderSettingsFile, SETTINGS_FILE } from './serverConfig.js';
import { openFreshLog } from './serverLog.js';
import { createServerPassword, readServerPassword } from './serverPassword.js';
import { spawnServer, type ServerProcess } from './serverProcess.js';
import { giveToServer, resolveServerUser, type ServerUser } from './serverUser.js';
import {
  connectionOptions,
  ensureStoreDatabase,
  SERVER_SUPERUSER,
  STORE_DATABASE,
} from './storeDatabase.js';

export interface DeviceServer {
  /** Connection options for `openPgClient` (src-main/core/store/pgClient.ts): Unix socket host + password. */
  readonly connection: PgClientOptions;
  /** Where the cluster lives. */
  readonly clusterDir: string;
  /** Fast shutdown; resolves once the server process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export interface DeviceServerOptions {
  /** The device's data dir; the caller holds its exclusive lock for as long as the server runs. */
  readonly dataDir: string;
  readonly log?: Logger;
  /** Where clusters go when the server user cannot enter the data dir. */
  readonly sharedClustersDir?: string;
  /** Where the socket goes when the cluster's own path is too long for one (default: the OS's). */
  readonly tmpDir?: string;
  /** How long the server may take to accept connections. */
  readonly startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;

/**
 * Starts the device's own PostgreSQL server on its cluster, making the cluster on first run.
 *
 * Order matters: a server of this cluster left running by a killed owner is stopped before
 * anything in the cluster is touched; then the cluster's home, socket folder and log are
 * prepared, the cluster made if it is missing or half made, the settings written, and the
 * server started and awaited. Root runs the server as the `postgres` user (see serverUser.ts).
 */
export async function startDeviceServer(options: DeviceServerOptions): Promise<DeviceServer> {
  const log = childLogger(options.log, 'device-server');
  const started = Date.now();
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const realDataDir = await realpath(options.dataDir);
  const binaries = await locatePostgresBinaries();
  const user = await resolveServerUser(log);
  const clustersDir = options.sharedClustersDir ?? DEFAULT_SHARED_CLUSTERS_DIR;
  const choice = await locateCluster({ realDataDir, user, clustersDir });
  const { pgdata } = homeLayout(choice.home);

  await stopOrphanedServer({ pgdata, binaries, log });

  await assertServerCanRun(binaries, user);
  const home = await prepareClusterHome(choice, { realDataDir, user, log });
  const endpoint = await prepareEndpoint({
    home,
    user,
    tmpDir: options.tmpDir ?? tmpdir(),
    platform: process.platform,
  });
  const files = dataDirFiles(realDataDir);
  const logHandle = await openFreshLog(files.logFile, files.previousLogFile);
  let server: ServerProcess;
  let password: string;
  try {
    const logTo = { logFd: logHandle.fd, logFile: files.logFile };
    if (isCompleteCluster(pgdata)) {
      password = await readServerPassword(files.passwordFile);
    } else {
      if (choice.kind === 'recorded')
        log.warn({ home }, 'the recorded cluster is missing: making a new, empty one');
      password = await createServerPassword(files.passwordFile);
      await createCluster({
        home,
        user,
        binaries,
        superuser: SERVER_SUPERUSER,
        password,
        log,
        ...logTo,
      });
    }
    await writeConfigFiles(pgdata, endpoint, user);
    server = await spawnServer({
      binaries,
      user,
      pgdata,
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      log,
      ...logTo,
    });
  } finally {
    // The server and initdb hold their own copies of the descriptor.
    await logHandle.close();
  }
  try {
    await ensureStoreDatabase(endpoint, password);
  } catch (e) {
    await server.stop();
    throw e;
  }
  log.info(
    { clusterDir: pgdata, endpoint: endpoint.kind, ms: Date.now() - started },
    'store server started',
  );
  return {
    connection: connectionOptions(endpoint, password, STORE_DATABASE),
    clusterDir: pgdata,
    stop: server.stop,
  };
}

/** Settings and client authentication, rewritten on every start (see serverConfig.ts). */
async function writeConfigFiles(pgdata: string, endpoint: ServerEndpoint, user: ServerUser) {
  for (const [name, text] of [
    [SETTINGS_FILE, renderSettingsFile(endpoint)],
    ['pg_hba.conf', renderHbaFile(endpoint)],
  ] as const) {
    const file = path.join(pgdata, name);
    await writeFile(file, text, { mode: 0o600 });
    await giveToServer(file, user);
  }
}
