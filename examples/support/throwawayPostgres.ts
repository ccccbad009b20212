/**
 * The examples' hub when none is configured: a throwaway PostgreSQL server (see
 * test/support/throwawayPostgres.ts). `stop()` shuts it down and deletes its directory.
 */
import {
  startThrowawayPostgres as start,
  type ThrowawayPostgres,
} from '../../test/support/throwawayPostgres.js';

export type { ThrowawayPostgres };

export const startThrowawayPostgres = (): Promise<ThrowawayPostgres> =>
  start({ dirPrefix: 'netguardian-hub-' });
