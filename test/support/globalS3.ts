/**
 * Vitest globalSetup for the int and e2e tiers: provides `s3Endpoint`, an S3-compatible server
 * that tests may create buckets on (each test its own bucket or key prefix).
 *
 * - `S3_ENDPOINT` set (with `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY`, and `S3_REGION` or
 *   us-east-1): that server is used as is (a CI service, MinIO, Ceph, AWS itself).
 * - otherwise: a throwaway OpenStack Swift with s3api (s3Server.ts) is started on 127.0.0.1,
 *   and stopped and deleted in teardown.
 */
import type { TestProject } from 'vitest/node';
import { type S3Endpoint, startS3Server } from './s3Server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test S3-compatible server: use path-style addressing (`forcePathStyle: true`). */
    s3Endpoint: S3Endpoint;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const endpoint = process.env['S3_ENDPOINT'];
  if (endpoint !== undefined && endpoint !== '') {
    const setting = (name: string): string => {
      const value = process.env[name];
      if (value === undefined || value === '') {
        throw new Error(
          `S3_ENDPOINT is set but ${name} is not: set both, or neither to start a test server.`,
        );
      }
      return value;
    };
    project.provide('s3Endpoint', {
      endpoint,
      accessKeyId: setting('S3_ACCESS_KEY_ID'),
      secretAccessKey: setting('S3_SECRET_ACCESS_KEY'),
      region: process.env['S3_REGION'] || 'us-east-1',
    });
    return async () => {};
  }
  const server = await startS3Server({ dirPrefix: 'netguardian-s3-' });
  project.provide('s3Endpoint', {
    endpoint: server.endpoint,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    region: server.region,
  });
  return () => server.stop();
}
