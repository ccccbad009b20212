import { lstat, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { startEmbeddedHub } from '../hub/embeddedHub.js';
import { childLogger, type Logger } from '../log.js';
import { findFreeLoopbackPort } from '../freePort.js';
import { DAY_MS, DEFAULT_HISTORY_DAYS } from '../store/compaction.js';
import { EventStore } from '../store/eventStore.js';
import { migrate } from '../store/migrate.js';
import { openPgClient, type PgClientOptions } from '../store/pgClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { AttemptLimiter } from './attemptLimiter.js';
import { openChunkBackend, openNamedObjectStore } from './chunkBackend.js';
import { databaseProblem } from './hubDatabaseReach.js';
import { ChunkMove, chunksInPostgres } from './chunkMove.js';
import { spaceReports } from './spaceReport.js';
import {
  DEFAULT_CHUNK_RETENTION_MS,
  startChunkCollection,
  type ChunkCollector,
} from './chunkCollection.js';
import { HubAccounts, HUB_REVOKED_CHANNEL } from './hubAccounts.js';
import { serveHubAdmin, type HubAdminServer } from './adminSocket.js';
import { loadOrCreateHubCertificate, loadOrCreateHubId } from './hubCertificate.js';
import { sharedHubIdentity, type HubIdentity } from './hubIdentity.js';
import { listedHubAddresses, registerHubProcess, type HubProcessRegistry } from './hubProcesses.js';
import { assertCanListen, stopLeftoverHubServer, takeHubDataDir } from './hubOwnership.js';
import { createHubServer, type HubServer, type HubServerOptions } from './hubServer.js';
import { inSpaceUpkeep } from './spaceUpkeep.js';

export interface HubServiceOptions {
  readonly dataDir: string;
  /** host:port to listen on (default `DEFAULT_LISTEN`); port 0 picks a free one. */
  readonly listen?: string;
  /**
   * host:port devices reach this process at, for invites and the hub's list of processes
   * (default: the bound address, a wildcard replaced by this machine's address, `inviteAddress`).
   */
  readonly advertise?: string;
  /**
   * An existing PostgreSQL server's URL; default: an embedded server under `dataDir`. Several
   * processes (each its own `dataDir`) may run one hub on one such server: they share its
   * identity, stored in the database (`hubIdentity.ts`).
   */
  readonly databaseUrl?: string;
  /** The service's connection limits and timeouts (defaults in hubServer.ts); tests lower them. */
  readonly service?: Pick<HubServerOptions, 'sessions' | 'idleStreamMs' | 'handshakeMs'>;
  /** The hub's database session timeouts (default `DATABASE_LIMITS`); tests lower them. */
  readonly databaseLimits?: Partial<typeof DATABASE_LIMITS>;
  /** How long an unreferenced chunk is kept after it was last wanted (default 30 days). */
  readonly chunkRetentionMs?: number;
  /**
   * The history window: versions superseded longer ago are compacted out of the event log
   * (default 30 days, `DEFAULT_HISTORY_DAYS`).
   */
  readonly historyMs?: number;
  /** Told every statement the hub sends its database (hubQueryPlans.int.test.ts records them). */
  readonly onDatabaseQuery?: PgClientOptions['onQuery'];
  /**
   * Where chunk bytes go: `postgres` (the default) or `s3://bucket/prefix` (S3-compatible object
   * storage, its endpoint and credentials read from `env`: objectStore/s3Config.ts).
   */
  readonly chunks?: string;
  /** The environment the S3 settings are read from (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
}

export interface RunningHub {
  /** Where devices reach the service (host:port as bound). */
  readonly address: { readonly host: string; readonly port: number };
  readonly fingerprint: string;
  readonly hubId: string;
  /** Whether this start created the certificate (a new hub). */
  readonly created: boolean;
  /**
   * Set when this data dir started for the first time on a database that already held a hub:
   * this process joined it, next to the processes listed then (`others`: their addresses).
   */
  readonly joined?: { readonly others: readonly string[] };
  readonly server: HubServer;
  readonly accounts: HubAccounts;
  /** The collection of unreferenced chunks (runs on its own timer; `runNow` for tests and admins). */
  readonly chunkCollector: ChunkCollector;
  /** Where chunk bytes go: `postgres` or the object storage's `s3://bucket/prefix`. */
  readonly chunkLocation: string;
  /** On object storage: the chunks still in PostgreSQL at start (`hub move-chunks` moves them). */
  readonly chunksInPostgres?: { readonly chunks: number; readonly bytes: number };
  /** The hub's own database connection (tests look at what was stored). */
  readonly database: SqlClient;
  stop(): Promise<void>;
}

/** All interfaces, port 7443: devices on other machines can reach a hub started without options. */
export const DEFAULT_LISTEN = '0.0.0.0:7443';
export const SERVICE_FILE = 'hub-service.json';
export const ADMIN_SOCKET = 'admin.sock';

/** Timeouts of the hub's own sessions: nothing a device asks for holds PostgreSQL longer. */
const DATABASE_LIMITS = {
  statementTimeoutMs: 60_000,
  lockTimeoutMs: 10_000,
  idleInTransactionTimeoutMs: 60_000,
};

/** "host:port" → parts; IPv6 in brackets. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(listen.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new NetGuardianError(
      'InvalidArgument',
      `--listen must be HOST:PORT (such as 0.0.0.0:7443 or 127.0.0.1:7443), not ${JSON.stringify(listen)}`,
      'listen',
    );
  return { host: match[1] ?? match[2] ?? '', port };
}

/**
 * Runs one hub process: its PostgreSQL (embedded under `dataDir`, or the server at `databaseUrl`,
 * whose only clients are this hub's processes, as one owner role with statement and lock
 * timeouts), the sync service devices talk to over TLS (certificate made on first start), and the
 * admin socket in `dataDir` that `hub invite`, `hub devices` and `hub remove-device` use. On a
 * server given, other processes (each with its own `dataDir`) may serve the same hub: see
 * docs/ARCHITECTURE.md, "Several hub processes".
 */
export async function startHubService(options: HubServiceOptions): Promise<RunningHub> {
  const log = childLogger(options.log, 'hub');
  const dataDir = path.resolve(options.dataDir);
  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  // Before anything is created: a taken port or a hub already running here is one sentence.
  await assertCanListen(host, port);
  const env = options.env ?? process.env;
  // An object store named for the chunks is reached first: a start that fails there makes nothing.
  let namedStore = await openNamedObjectStore(options.chunks, env);
  // A data dir this start makes is removed again if the start fails: a hub that never ran.
  const freshDataDir = await lstat(dataDir).then(
    () => false,
    () => true,
  );
  const owner = await takeHubDataDir(dataDir).catch((e: unknown) => {
    namedStore?.close();
    throw e;
  });
  const stops: (() => Promise<void>)[] = [
    () => owner.release(),
    // Until it is handed to the chunk backend, which closes it from then on.
    () => Promise.resolve(namedStore?.close()),
  ];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    let databaseUrl = options.databaseUrl;
    // Embedded: one process, its identity in its data dir. A server given: from the database.
    let ownIdentity: HubIdentity | undefined;
    if (!databaseUrl) {
      ownIdentity = {
        certificate: await loadOrCreateHubCertificate(dataDir),
        hubId: await loadOrCreateHubId(dataDir),
      };
      // A killed hub left its PostgreSQL running: stopped, or the new one would refuse to start.
      await stopLeftoverHubServer(dataDir, log);
      // The embedded server listens on loopback only: nothing but this process connects to it.
      const embedded = await startEmbeddedHub({
        dataDir,
        port: await findFreeLoopbackPort(),
        listen: '127.0.0.1',
        ...(options.log ? { log: options.log } : {}),
      });
      stops.push(() => embedded.stop());
      databaseUrl = embedded.adminUrl;
    }
    const database = await openPgClient({
      connectionString: databaseUrl,
      applicationName: 'netguardian-hub',
      maxConnections: 16,
      ...DATABASE_LIMITS,
      ...options.databaseLimits,
      onQuery: options.onDatabaseQuery,
    }).catch((e: unknown) => {
      // A server given: its failures said as the hub's (the embedded one is this process's own).
      throw ownIdentity ? e : databaseProblem(e, databaseUrl);
    });
    stops.push(() => database.close());
    await migrate(database);
    const { certificate, hubId, joined } =
      ownIdentity ?? (await sharedHubIdentity(database, dataDir));
    const store = await EventStore.open(database, { migrate: false });
    const accounts = new HubAccounts(database);
    const handed = namedStore;
    namedStore = undefined;
    const backend = await openChunkBackend(database, options.chunks, env, handed);
    stops.push(() => Promise.resolve(backend.close()));
    const chunks = backend.storage;
    // Chunks still in PostgreSQL move to object storage on the admin's word (`hub move-chunks`).
    const chunkMove = backend.objects ? new ChunkMove(database, backend.objects) : undefined;
    if (chunkMove) stops.push(() => chunkMove.stop());
    const chunksLeft = backend.objects ? await chunksInPostgres(database) : undefined;
    // Another process of the hub doing a space's upkeep now: this one skips it (spaceUpkeep.ts).
    const chunkCollector = startChunkCollection({
      client: database,
      compact: async (spaceId) =>
        (await inSpaceUpkeep(database, spaceId, () =>
          store.compact(spaceId, {
            cutoffMs: Date.now() - (options.historyMs ?? DEFAULT_HISTORY_DAYS * DAY_MS),
          }),
        )) ?? { pruned: 0 },
      collect: async (spaceId, ms) =>
        (await inSpaceUpkeep(database, spaceId, () => chunks.collect(spaceId, ms))) ?? {
          chunks: 0,
          bytes: 0,
        },
      retentionMs: options.chunkRetentionMs ?? DEFAULT_CHUNK_RETENTION_MS,
      log,
    });
    stops.push(() => chunkCollector.stop());
    // Registered once the service listens (below); devices ask for the list only after that.
    const processes: { registry?: HubProcessRegistry } = {};
    const server = createHubServer({
      store,
      chunks,
      accounts,
      certificate,
      hubId,
      pairing: new AttemptLimiter({ maxAttempts: 10, windowMs: 60_000, maxKeys: 10_000 }),
      onRevoked: (close) => database.listen(HUB_REVOKED_CHANNEL, close),
      hubAddresses: () => processes.registry?.addresses() ?? Promise.resolve([]),
      ...options.service,
      ...(options.log ? { log: options.log } : {}),
    });
    const bound = await server.listen(host, port);
    stops.push(() => server.close());
    const advertised = options.advertise ?? inviteAddress(bound);
    // Listed for devices once it listens; taken off first when it stops (`stops` run reversed).
    // Read before this one is listed: the processes it joins (those alive, by the registry).
    const others = joined ? await listedHubAddresses(database) : [];
    const registry = await registerHubProcess(database, advertised, log);
    processes.registry = registry;
    stops.push(() => registry.stop());
    const admin: HubAdminServer = await serveHubAdmin({
      socketPath: path.join(dataDir, ADMIN_SOCKET),
      accounts,
      invite: { address: advertised, fingerprint: certificate.fingerprint },
      spaces: () => spaceReports(database),
      ...(chunkMove ? { chunkMove } : {}),
    });
    stops.push(() => admin.close());
    await writeFile(
      path.join(dataDir, SERVICE_FILE),
      JSON.stringify(
        {
          hubId,
          fingerprint: certificate.fingerprint,
          host: bound.host,
          port: bound.port,
          pid: process.pid,
        },
        null,
        2,
      ) + '\n',
      { mode: 0o644 },
    );
    log.info({ host: bound.host, port: bound.port, hubId }, 'hub ready');
    return {
      address: bound,
      fingerprint: certificate.fingerprint,
      hubId,
      created: certificate.created,
      ...(joined ? { joined: { others } } : {}),
      server,
      accounts,
      chunkCollector,
      chunkLocation: backend.location,
      ...(chunksLeft ? { chunksInPostgres: chunksLeft } : {}),
      database,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    if (freshDataDir) await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The address an invite carries: the bound one, or for a wildcard this machine's first outside
 * IPv4 address (loopback when it has none), since a device can't dial 0.0.0.0.
 */
export function inviteAddress(bound: { host: string; port: number }): string {
  let host = bound.host;
  if (host === '0.0.0.0' || host === '::') {
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    host = outside?.address ?? '127.0.0.1';
  }
  return host.includes(':') ? `[${host}]:${bound.port}` : `${host}:${bound.port}`;
}
