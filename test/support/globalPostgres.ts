/**
 * Vitest globalSetup for the integration tier: provides `pgAdminUrl`, a superuser URL of a
 * PostgreSQL server that tests may create and drop databases on (see `freshDatabase.ts`).
 *
 * - `DATABASE_URL` set: that server is used as is (CI service, a developer's local server).
 * - otherwise: a throwaway server (throwawayPostgres.ts) is started, and stopped
 *   and deleted in teardown.
 */
import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './throwawayPostgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server (its `postgres` database). */
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env['DATABASE_URL'];
  if (fromEnv !== undefined && fromEnv !== '') {
    project.provide('pgAdminUrl', fromEnv);
    return async () => {};
  }
  const server = await startThrowawayPostgres({
    dirPrefix: 'netguardian-pg-',
    maxConnections: 200,
  });
  project.provide('pgAdminUrl', server.url);
  return () => server.stop();
}
