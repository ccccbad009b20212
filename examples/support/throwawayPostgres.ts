/**
 * The examples' hub when none is configured: a throwaway PostgreSQL server (see
 * src-main/core/hub/throwawayPostgres.ts). `stop()` shuts it down and deletes its directory.
 */
import {
  startThrowawayPostgres as start,
  type ThrowawayPostgres,
} from '../../src-main/core/hub/throwawayPostgres.js';

export type { ThrowawayPostgres };

export const startThrowawayPostgres = (): Promise<ThrowawayPostgres> =>
  start({ dirPrefix: 'netguardian-hub-' });
