import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { ObjectStore } from './objectStore.js';
import { readS3Settings, S3_ENV, type S3Settings } from './s3Config.js';

/**
 * Chunk bytes in S3-compatible object storage through `@aws-sdk/client-s3`: keys under the
 * location's prefix, bodies streamed both ways (PutObject with a Content-Length, GetObject's body
 * handed on as it arrives). Tested against a real server (OpenStack Swift's s3api, see
 * test/support/s3Server.ts); what S3-compatible servers need from the client:
 *
 * - Path-style addressing (`endpoint/bucket/key`): no DNS name per bucket.
 * - Checksums only where the API requires them (`WHEN_REQUIRED`): newer SDKs otherwise send
 *   streamed bodies `aws-chunked` with a trailing CRC, which Swift and older MinIO answer 501.
 * - DeleteObjects carries Content-MD5: S3 requires an integrity header there and the SDK sends a
 *   CRC32 one, which servers that predate it refuse (Swift: 400).
 * - A streamed put is not retried (its body can't be read again); everything else is, 3 times.
 */
export async function openS3ObjectStore(
  location: string,
  env: NodeJS.ProcessEnv,
): Promise<ObjectStore> {
  return new S3ObjectStore(await readS3Settings(location, env));
}

/** Keys a DeleteObjects request may carry (S3's limit). */
const DELETE_BATCH = 1000;
/** Keys a ListObjectsV2 page holds at most (S3's limit). */
const LIST_PAGE = 1000;
const CONNECT_TIMEOUT_MS = 10_000;
/** Time without a byte moving on a request's socket before it is given up. */
const SOCKET_IDLE_MS = 120_000;

export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  /** For streamed puts: one attempt, since a stream's bytes can't be sent twice. */
  private readonly streamClient: S3Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly endpoint: string;
  private readonly settings: S3Settings;

  constructor(settings: S3Settings) {
    this.settings = settings;
    this.location = settings.location;
    this.bucket = settings.bucket;
    this.keyPrefix = settings.prefix === '' ? '' : `${settings.prefix}/`;
    this.endpoint = settings.endpoint;
    this.client = makeClient(settings, 3);
    this.streamClient = makeClient(settings, 1);
  }

  async put(key: string, size: number, body: Readable | Uint8Array): Promise<void> {
    const Key = this.keyOf(key);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new NetGuardianError('InvalidArgument', `object ${key}: ${size} is not a size`, key);
    }
    if (!(body instanceof Readable)) {
      if (body.byteLength !== size) {
        throw new NetGuardianError(
          'InvalidArgument',
          `object ${key}: ${body.byteLength} bytes given where ${size} were announced; nothing was stored`,
          key,
        );
      }
      await this.call(`storing ${key}`, () =>
        this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength: size }),
        ),
      );
      return;
    }
    await this.putStream(key, Key, size, body);
  }

  /**
   * The body goes through a counter that fails the request when the body errors or ends short or
   * long: the request is aborted (its socket closed), so the server never has all `size` bytes and
   * stores nothing. Only when every byte went out can the server have the object: then a failure
   * deletes it again.
   */
  private async putStream(key: string, Key: string, size: number, body: Readable): Promise<void> {
    const abort = new AbortController();
    const counter = new ExactLength(size, key);
    let failure: Error | undefined;
    const fail = (error: Error): void => {
      failure ??= error;
      abort.abort();
    };
    body.on('error', (error) => {
      fail(error);
      counter.destroy(error);
    });
    counter.on('error', fail);
    body.pipe(counter);
    try {
      await this.call(`storing ${key}`, () =>
        this.streamClient.send(
          new PutObjectCommand({ Bucket: this.bucket, Key, Body: counter, ContentLength: size }),
          { abortSignal: abort.signal },
        ),
      );
      // The server answered; a body that failed after its last byte (an error instead of its
      // end, bytes beyond `size`) still fails the put.
      await counter.settled;
      if (failure !== undefined) throw failure;
    } catch (error) {
      body.unpipe(counter);
      body.destroy();
      counter.destroy();
      if (counter.sent === size) {
        await this.client
          .send(new DeleteObjectCommand({ Bucket: this.bucket, Key }))
          .catch(() => undefined);
      }
      const cause = failure ?? error;
      if (cause instanceof NetGuardianError) throw cause;
      throw new NetGuardianError(
        'StoreError',
        `object ${key} was not stored in ${this.location}: its content could not be read (${messageOf(cause)})`,
        key,
      );
    }
  }

  async get(key: string): Promise<Readable> {
    const Key = this.keyOf(key);
    const answer = await this.call(
      `reading ${key}`,
      () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key })),
      key,
    );
    const body = answer.Body;
    if (!(body instanceof Readable)) {
      throw new NetGuardianError(
        'StoreError',
        `the S3 server at ${this.endpoint} answered reading ${key} without a body`,
        key,
      );
    }
    return body;
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys
        .slice(start, start + DELETE_BATCH)
        .map((key) => ({ Key: this.keyOf(key) }));
      const answer = await this.call(`deleting ${batch.length} objects`, () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch, Quiet: true },
          }),
        ),
      );
      // Quiet: only failures are listed. An absent key is not one (S3 deletes are idempotent).
      const failed = (answer.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0];
        throw new NetGuardianError(
          'StoreError',
          `the S3 server at ${this.endpoint} did not delete ${failed.length} of ${batch.length} objects in ${this.location}` +
            ` (first: ${this.unprefixed(first?.Key ?? '?')}, ${first?.Code ?? 'no code'}: ${first?.Message ?? 'no message'})`,
        );
      }
    }
  }

  async list(prefix: string, limit: number): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    // Bounded: each page but the last adds at least one key, or the listing ends.
    for (let page = 0; keys.length < limit && page <= Math.ceil(limit / LIST_PAGE); page++) {
      const answer = await this.call(`listing the objects under ${prefix || '/'}`, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.keyPrefix + prefix,
            MaxKeys: Math.min(LIST_PAGE, limit - keys.length),
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        ),
      );
      for (const object of answer.Contents ?? []) {
        if (object.Key !== undefined && keys.length < limit) keys.push(this.unprefixed(object.Key));
      }
      token = answer.IsTruncated === true ? answer.NextContinuationToken : undefined;
      if (token === undefined) break;
    }
    return keys;
  }

  /** Lists one key (which proves endpoint, credentials and bucket); a missing bucket is created. */
  async check(): Promise<void> {
    const probe = (): Promise<unknown> =>
      this.call(`reading bucket ${this.bucket}`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.keyPrefix, MaxKeys: 1 }),
        ),
      );
    try {
      await probe();
      return;
    } catch (error) {
      if (!(error instanceof NetGuardianError) || error.field !== NO_SUCH_BUCKET) throw error;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // Another hub process created it first: as good.
      if (!(isServiceError(error) && error.name === 'BucketAlreadyOwnedByYou'))
        throw this.translate(error, `creating bucket ${this.bucket}`);
    }
    await probe();
  }

  close(): void {
    this.client.destroy();
    this.streamClient.destroy();
  }

  private keyOf(key: string): string {
    if (key === '' || key.startsWith('/')) {
      throw new NetGuardianError(
        'InvalidArgument',
        `${JSON.stringify(key)} is not an object key (empty or starting with /)`,
        key,
      );
    }
    return this.keyPrefix + key;
  }

  private unprefixed(key: string): string {
    return key.startsWith(this.keyPrefix) ? key.slice(this.keyPrefix.length) : key;
  }

  /** Runs one request; its failure becomes a sentence (`translate`). */
  private async call<T>(doing: string, request: () => Promise<T>, key?: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.translate(error, doing, key);
    }
  }

  /** One sentence for what went wrong, naming the setting to check where one is at fault. */
  private translate(error: unknown, doing: string, key?: string): NetGuardianError {
    if (error instanceof NetGuardianError) return error;
    const at = `the S3 server at ${this.endpoint}`;
    const accessKey = this.settings.credentials.accessKeyId;
    const from = this.settings.credentialsFrom;
    if (isServiceError(error)) {
      const status = error.$metadata.httpStatusCode ?? 0;
      switch (error.name) {
        case 'NoSuchKey':
        case 'NotFound':
          if (key !== undefined)
            return new NetGuardianError('NotFound', `no object ${key} in ${this.location}`, key);
          break;
        case 'NoSuchBucket':
          return new NetGuardianError(
            'StoreError',
            `${at} has no bucket ${this.bucket} (${doing})`,
            NO_SUCH_BUCKET,
          );
        case 'SignatureDoesNotMatch':
          // Some servers (Swift's s3api) answer this for a key ID they don't know too.
          return new NetGuardianError(
            'StoreError',
            `${at} refused access key ID ${accessKey} with the secret given (${doing}): the secret is wrong, or the server does not know that key ID; check both in ${from}`,
            S3_ENV.secretAccessKey,
          );
        case 'InvalidAccessKeyId':
          return new NetGuardianError(
            'StoreError',
            `${at} does not know the access key ID ${accessKey} (${doing}): check ${from}`,
            S3_ENV.accessKeyId,
          );
        case 'AccessDenied':
        case 'Forbidden':
          return new NetGuardianError(
            'StoreError',
            `${at} denied access key ID ${accessKey} (from ${from}) ${doing} in bucket ${this.bucket}: the key or the bucket's permissions are wrong`,
            S3_ENV.accessKeyId,
          );
        default:
          break;
      }
      return new NetGuardianError(
        'StoreError',
        `${at} answered ${error.name} (HTTP ${status}) ${doing} in ${this.location}: ${error.message}`,
        key,
      );
    }
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (
      code === 'ECONNREFUSED' ||
      code === 'ENOTFOUND' ||
      code === 'EAI_AGAIN' ||
      code === 'EHOSTUNREACH' ||
      code === 'ETIMEDOUT'
    ) {
      // In words, without the system's code: a message carrying one reads as a failure to put
      // in words, and the hub's own "can't reach the hub" would replace it (a new admin saw that).
      const what =
        code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'no host of that name is known'
          : code === 'ETIMEDOUT'
            ? 'it did not answer in time'
            : 'nothing answers there';
      return new NetGuardianError(
        'StoreError',
        `can't reach the S3 server at ${this.endpoint} ${doing}: ${what}; check ${S3_ENV.endpoint} and that the S3 server runs`,
        S3_ENV.endpoint,
      );
    }
    return new NetGuardianError(
      'StoreError',
      `${doing} in ${this.location} at ${this.endpoint} failed: ${messageOf(error)}`,
      key,
    );
  }
}

/** `field` of the error a missing bucket gives, so `check` can tell it from others. */
const NO_SUCH_BUCKET = 'bucket';

const SILENT = { debug() {}, info() {}, warn() {}, error() {}, trace() {} };

function makeClient(settings: S3Settings, maxAttempts: number): S3Client {
  // The SDK warns on every hub start that its releases after January 2027 need Node 22: nine
  // lines an admin can't act on (NetGuardian pins the SDK and runs on Node 20), so said once in
  // the README's notes, not at every start. Only when nobody set it either way.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: settings.credentials,
    forcePathStyle: true,
    maxAttempts,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: SOCKET_IDLE_MS,
    },
    // The SDK would console.warn each failed streamed put; failures reach the caller as errors.
    logger: SILENT,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as
        { headers: Record<string, string>; body?: unknown } | undefined;
      if (context.commandName === 'DeleteObjectsCommand' && request?.headers !== undefined) {
        for (const name of Object.keys(request.headers)) {
          if (/^x-amz-(checksum-|sdk-checksum-algorithm)/i.test(name)) delete request.headers[name];
        }
        const body = request.body;
        if (typeof body === 'string' || body instanceof Uint8Array) {
          request.headers['content-md5'] = createHash('md5').update(body).digest('base64');
        }
      }
      return next(args);
    },
    // After the checksum middleware (build step, normal priority), before signing.
    { step: 'build', priority: 'low', name: 'netguardianDeleteObjectsContentMd5' },
  );
  return client;
}

/**
 * Passes exactly `size` bytes and fails otherwise: more than `size`, or an end before `size`.
 * `settled` resolves when all went through, and rejects with the failure.
 */
class ExactLength extends Transform {
  sent = 0;
  readonly settled: Promise<void>;

  constructor(
    private readonly size: number,
    private readonly key: string,
  ) {
    super();
    this.settled = new Promise<void>((resolve, reject) => {
      this.once('end', resolve);
      this.once('error', reject);
      this.once('close', () => {
        if (this.sent !== this.size || !this.readableEnded) reject(this.shortError());
      });
    });
    // Waited on only after the request: no unhandled rejection before.
    this.settled.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.sent + chunk.byteLength > this.size) {
      done(
        new NetGuardianError(
          'InvalidArgument',
          `object ${this.key}: the content is longer than the ${this.size} bytes announced; nothing was stored`,
          this.key,
        ),
      );
      return;
    }
    this.sent += chunk.byteLength;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    done(this.sent === this.size ? null : this.shortError());
  }

  private shortError(): NetGuardianError {
    return new NetGuardianError(
      'InvalidArgument',
      `object ${this.key}: the content ended after ${this.sent} of the ${this.size} bytes announced; nothing was stored`,
      this.key,
    );
  }
}

function isServiceError(error: unknown): error is S3ServiceException {
  return error instanceof S3ServiceException;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
