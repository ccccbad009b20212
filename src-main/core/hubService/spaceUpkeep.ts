import type { SqlClient } from '../store/sqlClient.js';

/**
 * A space's upkeep (compacting its event log, collecting its chunks) in one hub process at a
 * time, when several processes share the hub's PostgreSQL: `work` runs while this process holds
 * the space's advisory lock, taken with a try (never waited for); when another process holds it,
 * that one is doing the work and this one skips the space (undefined) until its next run.
 *
 * The lock is transaction-scoped, held by a transaction that does nothing else while `work` runs
 * on other connections, so it ends with the transaction whatever happens (a killed process's
 * session ends and PostgreSQL releases it). That transaction sits idle meanwhile: its idle
 * timeout is lifted for it alone (`SET LOCAL`), else a long compaction would lose the lock.
 */
const TRY_LOCK = `SELECT pg_try_advisory_xact_lock(hashtext('ng_space_upkeep'), hashtext($1)) AS got`;
const NO_IDLE_TIMEOUT = `SELECT set_config('idle_in_transaction_session_timeout', '0', true)`;

export async function inSpaceUpkeep<T>(
  database: SqlClient,
  spaceId: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  return database.transaction(async (tx) => {
    await tx.query(NO_IDLE_TIMEOUT);
    const got = (await tx.query<{ got: boolean }>(TRY_LOCK, [spaceId]))[0]?.got === true;
    return got ? await work() : undefined;
  });
}
