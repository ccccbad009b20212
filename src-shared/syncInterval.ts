/**
 * How often a device asks its hub for changes besides the live channel (`syncIntervalMs`): one
 * rule and one sentence, used by the settings form (before it sends) and by the contract's
 * `settings:update` schema (the core, whoever sends). Pure.
 */

export type SyncIntervalUnit = 'seconds' | 'minutes';

const UNIT_MS: Record<SyncIntervalUnit, number> = { seconds: 1_000, minutes: 60_000 };

/** Under 5 s the periodic sync only adds load: the live channel already brings news at once. */
export const MIN_SYNC_INTERVAL_MS = 5_000;
export const MAX_SYNC_INTERVAL_MS = 24 * 3600 * 1000;
/** A new device's interval (init, first run): half a minute. */
export const DEFAULT_SYNC_INTERVAL_MS = 30_000;

/** The one sentence said whenever an interval is refused. */
export const SYNC_INTERVAL_RULE =
  'Choose a sync interval from 5 seconds to 24 hours (1440 minutes), in whole seconds.';

/** Whether an interval in ms passes the rule: whole seconds, from 5 s to 24 h. */
export const isSyncInterval = (ms: number): boolean =>
  Number.isInteger(ms) &&
  ms % 1_000 === 0 &&
  ms >= MIN_SYNC_INTERVAL_MS &&
  ms <= MAX_SYNC_INTERVAL_MS;

/** What a person typed (a number, decimals allowed) in a unit, as ms; the rule's sentence if not. */
export function syncIntervalFromInput(
  text: string,
  unit: SyncIntervalUnit,
): { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string } {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  // Rounded to the ms: 0.1 minutes is 6000 ms, not 6000.000000000001.
  const ms = Math.round(value * UNIT_MS[unit] * 1_000) / 1_000;
  return Number.isFinite(ms) && isSyncInterval(ms)
    ? { ok: true, ms }
    : { ok: false, message: SYNC_INTERVAL_RULE };
}

/** How a stored interval is shown: in minutes when it is whole minutes, else in seconds. */
export function syncIntervalForInput(ms: number): {
  readonly value: string;
  readonly unit: SyncIntervalUnit;
} {
  return ms >= 60_000 && ms % 60_000 === 0
    ? { value: String(ms / 60_000), unit: 'minutes' }
    : { value: String(ms / 1_000), unit: 'seconds' };
}
