import pg from 'pg';
import { isNetGuardianError } from '../../../src-shared/errors.js';
import { assertHubSchemaCurrent } from '../hub/hubSchema.js';
import { redactUrl } from '../store/pgClient.js';
import type { SqlExecutor } from '../store/sqlClient.js';

export interface HubTestInput {
  readonly url: string;
  readonly ssl: 'off' | 'require' | 'verify-full';
}

export interface HubTestResult {
  readonly ok: boolean;
  readonly message: string;
  readonly latencyMs: number | null;
}

/** Connection errors in words a person can act on. */
function describeFailure(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing answers at that address and port (is the hub running?)';
    case 'ENOTFOUND':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return 'the hub did not answer in time (network or firewall?)';
    case '28P01':
    case '28000':
      return 'the hub refused the user name or password';
    case '3D000':
      return 'the database named in the address does not exist';
    default:
      return /timeout/i.test(message) ? 'the hub did not answer in time' : message;
  }
}

/**
 * Tries a hub address: connects with a short timeout, runs `select 1`, and
 * checks it is a NetGuardian hub with the schema this version needs. Never
 * throws: the answer says what went wrong in plain words.
 */
export async function testHub(input: HubTestInput, timeoutMs = 5_000): Promise<HubTestResult> {
  let parsed: URL;
  try {
    parsed = new URL(input.url);
  } catch {
    return {
      ok: false,
      message: 'the address is not a URL (postgres://user:password@host:5432/db)',
      latencyMs: null,
    };
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    return {
      ok: false,
      message: `the address must start with postgres://, not ${parsed.protocol}//`,
      latencyMs: null,
    };
  const client = new pg.Client({
    connectionString: input.url,
    ssl:
      input.ssl === 'off'
        ? undefined
        : input.ssl === 'require'
          ? { rejectUnauthorized: false }
          : { rejectUnauthorized: true },
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'netguardian-hub-test',
  });
  client.on('error', () => undefined);
  const where = redactUrl(input.url);
  try {
    const started = performance.now();
    await client.connect();
    await client.query('select 1');
    const latencyMs = Math.round(performance.now() - started);
    const db: SqlExecutor = {
      query: async <R>(text: string, params: readonly unknown[] = []) =>
        (await client.query(text, params as unknown[])).rows as R[],
      exec: async (script: string) => {
        await client.query(script);
      },
    };
    try {
      await assertHubSchemaCurrent(db);
    } catch (e) {
      const why = isNetGuardianError(e) ? e.message : describeFailure(e);
      return { ok: false, message: `reached ${where} in ${latencyMs} ms, but ${why}`, latencyMs };
    }
    return { ok: true, message: `connected to ${where} in ${latencyMs} ms`, latencyMs };
  } catch (e) {
    return { ok: false, message: `cannot reach ${where}: ${describeFailure(e)}`, latencyMs: null };
  } finally {
    await client.end().catch(() => undefined);
  }
}
