import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testS3 } from '../../../../test/support/s3Env.js';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { isRawFailure } from '../../../../src-shared/errorWords.js';
import { findFreeLoopbackPort } from '../../freePort.js';
import type { ObjectStore } from './objectStore.js';
import { openS3ObjectStore } from './s3ObjectStore.js';

/**
 * S3ObjectStore against the real S3-compatible server of the int tier (OpenStack Swift's s3api
 * started by globalS3.ts, or the one S3_ENDPOINT names): bytes in and out, bodies that fail,
 * batches, listing, and the sentences for wrong settings.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

let s3: ReturnType<typeof testS3>;
let store: ObjectStore;

beforeAll(async () => {
  s3 = testS3();
  store = await openS3ObjectStore(s3.location, s3.env);
  await store.check();
});
afterAll(() => store?.close());

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** `size` bytes in `piece`-sized parts, then an end (or an error after `failAfter` bytes). */
function streamOf(data: Uint8Array, piece = 64 * KiB, failAfter?: number): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.byteLength; at += piece) {
        if (failAfter !== undefined && at >= failAfter) throw new Error('the disk went away');
        yield data.subarray(at, Math.min(at + piece, data.byteLength));
      }
    })(),
    { objectMode: false },
  );
}

async function readAll(stream: Readable): Promise<{ data: Buffer; pieces: number }> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return { data: Buffer.concat(pieces), pieces: pieces.length };
}

const failureOf = async (promise: Promise<unknown>): Promise<NetGuardianError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NetGuardianError);
  return error as NetGuardianError;
};

describe('bytes in and out', () => {
  it('round-trips 0 B and 1 KiB given whole, and 5 MiB streamed both ways', async () => {
    const empty = new Uint8Array(0);
    const small = randomBytes(KiB);
    const large = randomBytes(5 * MiB);
    await store.put('trip/empty', 0, empty);
    await store.put('trip/empty-stream', 0, streamOf(empty));
    await store.put('trip/small', KiB, small);
    await store.put('trip/large', 5 * MiB, streamOf(large));

    expect((await readAll(await store.get('trip/empty'))).data.byteLength).toBe(0);
    expect((await readAll(await store.get('trip/empty-stream'))).data.byteLength).toBe(0);
    expect((await readAll(await store.get('trip/small'))).data.equals(small)).toBe(true);
    const back = await readAll(await store.get('trip/large'));
    expect(back.data.byteLength).toBe(5 * MiB);
    expect(sha(back.data)).toBe(sha(large));
    // Streamed as it arrives, not handed over as one buffer.
    expect(back.pieces).toBeGreaterThan(1);
  });

  it('a body that errors midway stores nothing', async () => {
    const data = randomBytes(3 * MiB);
    const failure = await failureOf(
      store.put('fail/midway', 3 * MiB, streamOf(data, 64 * KiB, MiB)),
    );
    expect(failure.message).toContain('the disk went away');
    expect(failure.message).toContain('fail/midway');
    expect(await store.list('fail/midway', 10)).toEqual([]);
    expect((await failureOf(store.get('fail/midway'))).code).toBe('NotFound');
  });

  it('a body that ends short stores nothing', async () => {
    const failure = await failureOf(store.put('fail/short', 2 * MiB, streamOf(randomBytes(MiB))));
    expect(failure.message).toBe(
      'object fail/short: the content ended after 1048576 of the 2097152 bytes announced; nothing was stored',
    );
    expect(await store.list('fail/short', 10)).toEqual([]);
  });

  it('a body longer than announced stores nothing', async () => {
    const failure = await failureOf(store.put('fail/long', MiB, streamOf(randomBytes(2 * MiB))));
    expect(failure.message).toBe(
      'object fail/long: the content is longer than the 1048576 bytes announced; nothing was stored',
    );
    expect(await store.list('fail/long', 10)).toEqual([]);
  });

  it('a whole body of another size than announced is refused before sending', async () => {
    const failure = await failureOf(store.put('fail/whole', 10, new Uint8Array(9)));
    expect(failure.code).toBe('InvalidArgument');
    expect(await store.list('fail/whole', 10)).toEqual([]);
  });

  it('getting an absent key rejects NotFound naming the key', async () => {
    const failure = await failureOf(store.get('absent/key'));
    expect(failure.code).toBe('NotFound');
    expect(failure.message).toBe(`no object absent/key in ${s3.location}`);
  });
});

describe('many keys', () => {
  it('lists in pages up to the limit and deletes 1,500 keys in batches (absent ones too)', async () => {
    const keys = Array.from({ length: 1500 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    // Sixteen at a time: 1,500 requests take a while on a busy machine's one-process Swift.
    for (let at = 0; at < keys.length; at += 16) {
      await Promise.all(keys.slice(at, at + 16).map((key) => store.put(key, 1, Buffer.from('x'))));
    }
    expect(await store.list('many/', 5000)).toEqual(keys);
    expect(await store.list('many/', 1200)).toEqual(keys.slice(0, 1200));
    expect(await store.list('many/01', 1000)).toEqual(keys.slice(100, 200));

    await store.delete([...keys, 'many/never-there']);
    expect(await store.list('many/', 5000)).toEqual([]);
    await store.delete([]);
  }, 300_000);

  it('keys stay under the location prefix: another prefix in the bucket sees none of them', async () => {
    await store.put('mine', 2, Buffer.from('hi'));
    const bucket = s3.location.replace(/^s3:\/\/([^/]+).*$/, '$1');
    const sibling = await openS3ObjectStore(`s3://${bucket}/other`, s3.env);
    try {
      expect(await sibling.list('', 10)).toEqual([]);
      expect((await failureOf(sibling.get('mine'))).code).toBe('NotFound');
    } finally {
      sibling.close();
    }
    const whole = await openS3ObjectStore(`s3://${bucket}`, s3.env);
    try {
      expect(await whole.list('chunks/mine', 10)).toEqual(['chunks/mine']);
    } finally {
      whole.close();
    }
    await store.delete(['mine']);
  });
});

describe('check', () => {
  it('creates a missing bucket, which then holds objects', async () => {
    const fresh = testS3();
    const other = await openS3ObjectStore(fresh.location, fresh.env);
    try {
      await other.check();
      await other.check(); // an existing bucket is fine too
      await other.put('k', 3, Buffer.from('abc'));
      expect((await readAll(await other.get('k'))).data.toString()).toBe('abc');
      expect(await other.list('', 10)).toEqual(['k']);
      await other.delete(['k']);
    } finally {
      other.close();
    }
  });

  it('says the secret was refused when it is wrong', async () => {
    const wrong = await openS3ObjectStore(s3.location, {
      ...s3.env,
      AWS_SECRET_ACCESS_KEY: 'not-the-secret',
    });
    try {
      const failure = await failureOf(wrong.check());
      expect(failure.message).toContain(
        `refused access key ID ${s3.env['AWS_ACCESS_KEY_ID']} with the secret given`,
      );
      expect(failure.message).toContain('the secret is wrong');
      expect(failure.message).not.toContain('not-the-secret');
    } finally {
      wrong.close();
    }
  });

  it('says the access key is unknown when it is', async () => {
    const wrong = await openS3ObjectStore(s3.location, {
      ...s3.env,
      AWS_ACCESS_KEY_ID: 'nobody:here',
    });
    try {
      const failure = await failureOf(wrong.check());
      // Never "the secret was refused" alone: the key ID may be what is wrong.
      expect(failure.message).toMatch(/access key ID nobody:here/);
      expect(failure.message).toMatch(/does not know (that|the access) key ID/);
    } finally {
      wrong.close();
    }
  });

  it('takes the credentials from the file NETGUARDIAN_S3_CREDENTIALS_FILE names, and names it when unreadable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netguardian-s3-credentials-'));
    try {
      const file = join(dir, 'credentials');
      await writeFile(
        file,
        `# the test server's key\naccess_key_id=${s3.env['AWS_ACCESS_KEY_ID']}\nsecret_access_key=${s3.env['AWS_SECRET_ACCESS_KEY']}\n`,
      );
      const env = {
        NETGUARDIAN_S3_ENDPOINT: s3.env['NETGUARDIAN_S3_ENDPOINT'],
        NETGUARDIAN_S3_REGION: s3.env['NETGUARDIAN_S3_REGION'],
        NETGUARDIAN_S3_CREDENTIALS_FILE: file,
      };
      const fromFile = await openS3ObjectStore(s3.location, env);
      try {
        await fromFile.check();
        expect(await fromFile.list('absent/', 10)).toEqual([]);
      } finally {
        fromFile.close();
      }
      const missing = join(dir, 'absent');
      await expect(
        openS3ObjectStore(s3.location, { ...env, NETGUARDIAN_S3_CREDENTIALS_FILE: missing }),
      ).rejects.toThrow(
        `the S3 credentials file ${missing} (NETGUARDIAN_S3_CREDENTIALS_FILE) can't be read (ENOENT)`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says nothing answers when the endpoint is wrong', async () => {
    const port = await findFreeLoopbackPort();
    const wrong = await openS3ObjectStore(s3.location, {
      ...s3.env,
      NETGUARDIAN_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    try {
      const failure = await failureOf(wrong.check());
      expect(failure.message).toContain(
        `can't reach the S3 server at http://127.0.0.1:${port} reading bucket`,
      );
      expect(failure.message).toContain(': nothing answers there; check NETGUARDIAN_S3_ENDPOINT');
      // Printed as it is (the CLI puts a raw failure in words of its own: "can't reach the hub").
      expect(isRawFailure(failure)).toBe(false);
    } finally {
      wrong.close();
    }
  });
});
