import { NetGuardianError } from '../../../src-shared/errors.js';

/**
 * A failure to open the PostgreSQL server a hub was given (`--database-url`), said as the hub's
 * own problem: the server out of reach, no such database, the role refused. The device's sentence
 * for an unreachable hub ("Can't reach the hub … keeps trying") is for devices: an admin whose
 * `hub start` met a stopped PostgreSQL was told that, and the start had ended. The URL is named
 * without its password. Anything else is returned as it was.
 */
export function databaseProblem(error: unknown, url: string): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  const where = describeUrl(url);
  const reach = '; check that it runs and that the URL is right';
  const problem =
    code === 'ECONNREFUSED'
      ? `nothing answers there${reach}`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `no host of that name is known${reach}`
        : code === 'ETIMEDOUT' || code === 'EHOSTUNREACH'
          ? `it did not answer in time${reach}`
          : code === '3D000'
            ? `it has no database ${where.database}: create it (createdb ${where.database}) or fix the URL`
            : code === '28P01' || code === '28000'
              ? `it refused the role ${where.user}: check the role and its password`
              : undefined;
  if (problem === undefined) return error;
  return new NetGuardianError(
    'StoreError',
    `the hub's PostgreSQL server at ${where.address} (--database-url) can't be used: ${problem}`,
    'databaseUrl',
  );
}

function describeUrl(url: string): { address: string; database: string; user: string } {
  try {
    const parsed = new URL(url);
    return {
      address: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`,
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.username || '?',
      user: decodeURIComponent(parsed.username) || '?',
    };
  } catch {
    return { address: 'the URL given', database: '?', user: '?' };
  }
}
