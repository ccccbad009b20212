import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/**
 * The hub's S3 settings (the environment `hub start --chunks s3://…` reads) for the test server
 * that globalS3.ts started or was given, and a bucket name of the test's own, so tests never see
 * each other's objects.
 */
export function testS3(): { readonly env: NodeJS.ProcessEnv; readonly location: string } {
  const s3 = inject('s3Endpoint');
  return {
    env: {
      NETGUARDIAN_S3_ENDPOINT: s3.endpoint,
      NETGUARDIAN_S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    },
    location: `s3://ng-test-${randomBytes(6).toString('hex')}/chunks`,
  };
}
