/**
 * Retry delays for reaching the hub again: doubling from `firstMs`, capped at `maxMs`, so a device
 * whose hub is down asks often at first (a restart takes seconds) and then every `maxMs`, which
 * bounds how long a hub that is back waits to be noticed. Pure: the caller owns the timers.
 */
export interface BackoffPolicy {
  readonly firstMs: number;
  readonly maxMs: number;
}

/** At most 30 s between attempts: a hub that comes back is used again within 30 s. */
export const HUB_RETRY: BackoffPolicy = { firstMs: 1_000, maxMs: 30_000 };

/** The delay before attempt `failures + 1`, after `failures` consecutive failures (≥ 1). */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(policy.maxMs, policy.firstMs * 2 ** exponent);
}
