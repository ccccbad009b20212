import { NetGuardianError } from '../../src-shared/errors.js';

/**
 * A size a person types for a quota: "500MB", "10 GB", "1.5TiB", "2048B". KB, MB, GB and TB count
 * in powers of 1024, as the app shows sizes (src-shared/words.ts formatBytes), so a quota of
 * "1 GB" reads back as "1.0 GB"; KiB, MiB, GiB and TiB mean the same. A number without its unit
 * is refused: "10" set a quota of 10 bytes for an admin who meant 10GB.
 */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** `what` names the value in the sentence ("the quota"), `field` the argument it came from. */
export function parseByteSize(text: string, what: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (match && match[2] === '' && Number(match[1]) > 0)
    throw new NetGuardianError(
      'InvalidArgument',
      `${what} needs a unit: write ${match[1]}GB, ${match[1]}MB or ${match[1]}B, not ${JSON.stringify(text)}`,
      field,
    );
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  const bytes = match && unit !== undefined ? Math.round(Number(match[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new NetGuardianError(
      'InvalidArgument',
      `${what} must be a size such as 500MB, 10GB or 1TB (or "none"), not ${JSON.stringify(text)}`,
      field,
    );
  return bytes;
}
