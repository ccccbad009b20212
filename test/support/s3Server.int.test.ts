import { existsSync } from 'node:fs';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { startS3Server, type S3Server } from './s3Server.js';

/**
 * The test S3 server itself (globalS3 starts one for the tier; this file starts its own): it
 * answers S3 with the credentials it gives, and `stop` leaves nothing: no process answering on
 * its port, no directory.
 */

let server: S3Server | undefined;
afterAll(() => server?.stop());

it('serves S3 with its credentials, and stop leaves no server and no directory', async () => {
  server = await startS3Server({ dirPrefix: 'netguardian-s3-self-test-' });
  expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(server.region).toBe('us-east-1');
  expect(existsSync(server.dir)).toBe(true);

  const health = await fetch(`${server.endpoint}/healthcheck`);
  expect(await health.text()).toBe('OK');
  // As the product does (s3ObjectStore.ts): the SDK's nine-line Node 22 notice says nothing here.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    forcePathStyle: true,
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'self-test' }));
    const listed = await client.send(new ListBucketsCommand({}));
    expect((listed.Buckets ?? []).map((b) => b.Name)).toEqual(['self-test']);
  } finally {
    client.destroy();
  }

  const { endpoint, dir } = server;
  await server.stop();
  await server.stop(); // twice is fine
  expect(existsSync(dir)).toBe(false);
  const after = await fetch(`${endpoint}/healthcheck`).then(
    () => 'answered',
    () => 'refused',
  );
  expect(after).toBe('refused');
});
