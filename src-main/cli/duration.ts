import { NetGuardianError } from '../../src-shared/errors.js';

/**
 * A span of time given on the command line, such as `30m`, `24h` or `7d` (an invite's life, how
 * old trash items must be to go): at least a minute, at most `maxDays` (default 30, the longest a
 * hub keeps an invite).
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const SPAN = /^(\d{1,6})\s*([mhd])$/i;
const UNIT_MS_DAY = 86_400_000;
export const MAX_DURATION_MS = 30 * UNIT_MS_DAY;

export function parseDuration(text: string, field: string, maxDays = 30): number {
  const span = SPAN.exec(text.trim());
  if (!span)
    throw new NetGuardianError(
      'InvalidArgument',
      `--${field} ${JSON.stringify(text)} is not a duration: give minutes, hours or days (30m, 24h, 7d)`,
      field,
    );
  const ms = Number(span[1]) * (UNIT_MS[(span[2] as string).toLowerCase()] as number);
  if (ms <= 0 || ms > maxDays * UNIT_MS_DAY)
    throw new NetGuardianError(
      'InvalidArgument',
      `--${field} ${text} must be from 1 minute to ${maxDays} days`,
      field,
    );
  return ms;
}
