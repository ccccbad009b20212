/**
 * Put and get throughput of S3ObjectStore (issue 17): objects of 256 KiB and 2 MiB, 8 in flight,
 * bodies streamed both ways, against the S3-compatible server S3_ENDPOINT names (with
 * S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION) or a throwaway OpenStack Swift with s3api on
 * 127.0.0.1 (test/support/s3Server.ts). Prints a table; writes nothing.
 *
 *   npx tsx bench/s3/objectStoreThroughput.ts [--mib 64]
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { startS3Server, type S3Endpoint, type S3Server } from '../../test/support/s3Server.js';
import { openS3ObjectStore } from '../../src-main/core/hubService/objectStore/s3ObjectStore.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const IN_FLIGHT = 8;
const mibArg = process.argv.indexOf('--mib');
const MIB_PER_SIZE = mibArg > 0 ? Number(process.argv[mibArg + 1]) : 64;

async function main(): Promise<void> {
  let server: S3Server | undefined;
  let endpoint: S3Endpoint;
  const given = process.env['S3_ENDPOINT'];
  if (given !== undefined && given !== '') {
    endpoint = {
      endpoint: given,
      accessKeyId: process.env['S3_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: process.env['S3_SECRET_ACCESS_KEY'] ?? '',
      region: process.env['S3_REGION'] ?? 'us-east-1',
    };
  } else {
    const started = performance.now();
    server = await startS3Server({ dirPrefix: 'netguardian-s3-bench-' });
    console.log(
      `Swift started and healthy in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    endpoint = server;
  }
  const store = await openS3ObjectStore(`s3://ng-bench-${randomBytes(4).toString('hex')}/chunks`, {
    NETGUARDIAN_S3_ENDPOINT: endpoint.endpoint,
    NETGUARDIAN_S3_REGION: endpoint.region,
    AWS_ACCESS_KEY_ID: endpoint.accessKeyId,
    AWS_SECRET_ACCESS_KEY: endpoint.secretAccessKey,
  });
  try {
    await store.check();
    console.log(
      `load average before: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (${IN_FLIGHT} in flight)`,
    );
    console.log('size      objects  put obj/s  put MiB/s  get obj/s  get MiB/s');
    for (const size of [256 * KiB, 2 * MiB]) {
      const count = Math.max(IN_FLIGHT, Math.round((MIB_PER_SIZE * MiB) / size));
      const data = randomBytes(size);
      const keys = Array.from({ length: count }, (_, i) => `${size}/${i}`);
      const put = await timed(keys, (key) =>
        store.put(key, size, Readable.from([data.subarray(0, size / 2), data.subarray(size / 2)])),
      );
      const get = await timed(keys, async (key) => {
        let read = 0;
        for await (const piece of await store.get(key)) read += (piece as Buffer).byteLength;
        if (read !== size) throw new Error(`read ${read} of ${size} bytes of ${key}`);
      });
      const row = (seconds: number) =>
        `${(count / seconds).toFixed(1).padStart(9)}  ${((count * size) / MiB / seconds).toFixed(1).padStart(9)}`;
      console.log(
        `${(size / KiB + ' KiB').padEnd(9)} ${String(count).padStart(7)}  ${row(put)}  ${row(get)}`,
      );
      await store.delete(keys);
    }
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    store.close();
    await server?.stop();
  }
}

/** Runs `work` for every key, IN_FLIGHT at a time; seconds taken. */
async function timed(
  keys: readonly string[],
  work: (key: string) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < keys.length) {
        const key = keys[next++];
        if (key !== undefined) await work(key);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

await main();
