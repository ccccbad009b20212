import { NetGuardianError } from '../../src-shared/errors.js';

/**
 * The moment a `--deleted-since` names: a point in time (ISO 8601, as `2026-12-04` or
 * `2026-12-04T18:30`, read in local time when no zone is given, as `date` would) or a span
 * back from now (`30m`, `2h`, `1d`, `1w`, optionally followed by `ago`). A time in the future
 * is refused: it would bring back nothing, and is more likely a typo than a wish.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const SPAN = /^(\d{1,6})\s*([smhdw])(?:\s+ago)?$/i;
/** A calendar date, optionally with a time and zone: what Date.parse reads reliably. */
const ISO =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

export function parseSinceTime(text: string, now: number, field = 'deleted-since'): number {
  const trimmed = text.trim();
  const span = SPAN.exec(trimmed);
  if (span) {
    const ms = Number(span[1]) * (UNIT_MS[(span[2] as string).toLowerCase()] as number);
    return now - ms;
  }
  if (ISO.test(trimmed)) {
    // A date alone is UTC to Date.parse; a person typing one means their own midnight.
    const local = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00` : trimmed;
    const at = Date.parse(local.replace(' ', 'T'));
    if (Number.isFinite(at)) {
      if (at > now)
        throw new NetGuardianError(
          'InvalidArgument',
          `--${field} ${text} is in the future: nothing was deleted since then`,
          field,
        );
      return at;
    }
  }
  throw new NetGuardianError(
    'InvalidArgument',
    `--${field} ${JSON.stringify(text)} is not a time: give a date (2026-12-04, 2026-12-04T18:30) or a span back from now (30m, 2h, 1d, 1w)`,
    field,
  );
}
