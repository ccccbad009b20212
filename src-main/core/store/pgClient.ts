import pg from 'pg';
import type { QueryOptions, SqlClient, SqlExecutor, Unlisten } from './sqlClient.js';

export interface PgClientOptions {
  readonly connectionString: string;
  /** TLS options passed to `pg` (`true` for defaults, or a `tls.connect` options object). */
  readonly ssl?: pg.PoolConfig['ssl'];
  readonly maxConnections?: number;
  readonly applicationName?: string;
  /** How long opening a connection may take before it fails (default `CONNECT_TIMEOUT_MS`). */
  readonly connectTimeoutMs?: number;
  /**
   * Open without connecting (default false: one connection is made at once, so an unreachable
   * server fails the open). A device's hub client is lazy: the device must open and work while
   * its hub is down, and every query connects (again) when it runs.
   */
  readonly lazy?: boolean;
  /**
   * Per-session limits (the hub's service sets them): a statement, a wait for a lock, and a
   * transaction left idle all end after this long instead of holding the server.
   */
  readonly statementTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
  readonly idleInTransactionTimeoutMs?: number;
  /**
   * Told each statement `query` sends (text and parameters), before it is sent; not `exec`
   * scripts. The hub's query-plan test records what the hub asks PostgreSQL this way.
   */
  readonly onQuery?: (text: string, params: readonly unknown[]) => void;
}

/**
 * Opening a connection fails after this long. pg waits forever by default, so a hub whose packets
 * are silently dropped (a firewall, a sleeping VPN) held a sync run, and the daemon's shutdown
 * that waits for it, until the OS gave up on the TCP handshake, about two minutes on Linux.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * TCP keepalive on every connection, first probe after this long idle: a connection whose peer
 * vanished (laptop moved networks, hub rebooted without closing it) is found dead in minutes
 * rather than the OS default of two hours, and its query fails instead of waiting forever.
 */
const KEEPALIVE_IDLE_MS = 30_000;

/** "host:port" of a connection string, for sentences a person reads ("can't reach the hub at …"). */
export function hostAndPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return '(unparseable address)';
  }
}

/** "postgres://user@host:5432/db" without the password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable connection string)';
  }
}

const wrap = (q: pg.Pool | pg.PoolClient, onQuery?: PgClientOptions['onQuery']): SqlExecutor => ({
  async query<R>(
    text: string,
    params: readonly unknown[] = [],
    options?: QueryOptions,
  ): Promise<R[]> {
    onQuery?.(text, params);
    const values = params as unknown[];
    // A named statement is parsed and planned once per connection (pg keeps the name → text map).
    const res =
      options?.name === undefined
        ? await q.query(text, values)
        : await q.query({ name: options.name, text, values });
    return res.rows as R[];
  },
  async exec(script: string): Promise<void> {
    // Without parameters pg uses the simple protocol, which runs several statements.
    await q.query(script);
  },
});

/** A PostgreSQL server (a hub, or a device that keeps its store on a server). */
export async function openPgClient(options: PgClientOptions): Promise<SqlClient> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    ssl: options.ssl,
    max: options.maxConnections ?? 4,
    application_name: options.applicationName ?? 'netguardian',
    connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.lockTimeoutMs ? { lock_timeout: options.lockTimeoutMs } : {}),
    ...(options.idleInTransactionTimeoutMs
      ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs }
      : {}),
    // Our statements are short OLTP ones. With JIT on (most packaged servers), a plan whose
    // estimate passes jit_above_cost (a never analyzed table is enough) paid milliseconds of
    // compilation for a sub-millisecond statement. Set per session, awaited before the pool
    // hands the connection out, rather than as a startup `options` parameter, which connection
    // poolers such as PgBouncer may refuse.
    // pg-pool awaits the hook's promise (@types/pg types it as returning void).
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    onConnect: async (client) => {
      await client.query('SET jit = off');
    },
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  if (options.lazy !== true) {
    // Fail fast with a clear error when the server is unreachable.
    const probe = await pool.connect();
    probe.release();
  }
  const base = wrap(pool, options.onQuery);
  const listeners = new Set<pg.Client>();
  return {
    kind: 'postgres',
    description: redactUrl(options.connectionString),
    query: (text, params, queryOptions) => base.query(text, params, queryOptions),
    exec: (script) => base.exec(script),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // A connection lost between two queries is an 'error' on the checked-out client; the next
      // query fails with it. Without a listener it would be an uncaught exception (the pool only
      // listens to idle clients), ending the process when a hub drops a connection.
      const lost = () => undefined;
      client.on('error', lost);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client, options.onQuery));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.off('error', lost);
        client.release();
      }
    },
    async listen(
      channel: string,
      onNotify: (payload: string) => void,
      onLost?: (error: Error) => void,
    ): Promise<Unlisten> {
      // LISTEN needs a dedicated connection that outlives any pooled query.
      const client = new pg.Client({
        connectionString: options.connectionString,
        ssl: options.ssl,
        connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
        keepAlive: true,
        keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
      });
      let ended = false;
      const lost = (error: Error) => {
        if (ended) return;
        ended = true;
        listeners.delete(client);
        onLost?.(error);
      };
      client.on('error', lost);
      client.on('end', () => lost(new Error('the connection to the server ended')));
      try {
        await client.connect();
        client.on('notification', (msg) => {
          if (msg.channel === channel) onNotify(msg.payload ?? '');
        });
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      } catch (e) {
        ended = true;
        await client.end().catch(() => undefined);
        throw e;
      }
      listeners.add(client);
      return async () => {
        ended = true;
        listeners.delete(client);
        await client.end().catch(() => undefined);
      };
    },
    async close(): Promise<void> {
      await Promise.all([...listeners].map((c) => c.end().catch(() => undefined)));
      listeners.clear();
      await pool.end();
    },
  };
}
