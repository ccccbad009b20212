import { readFile } from 'node:fs/promises';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { err, ok, type Result } from '../../../../src-shared/result.js';

/**
 * Where a hub's chunk objects go and how to reach them: the location `s3://bucket/prefix` from the
 * hub's configuration (`hub start --chunks`), the rest from the environment, never from the
 * command line (a secret there shows in `ps` and shell history):
 *
 * - `NETGUARDIAN_S3_ENDPOINT`: the server's URL (`https://s3.eu-west-1.amazonaws.com`,
 *   `http://127.0.0.1:9000`); required, so a hub never reaches a default it was not told of.
 *   Buckets are addressed by path (`endpoint/bucket/key`), which every S3-compatible server takes.
 * - `NETGUARDIAN_S3_REGION`: default `us-east-1`.
 * - Credentials: `NETGUARDIAN_S3_CREDENTIALS_FILE` names a file with `access_key_id=` and
 *   `secret_access_key=` lines (blank lines and `#` comments allowed); without it,
 *   `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN` if set).
 *
 * Parsing is pure (`s3Settings`, `parseS3Location`, `parseCredentialsFile`); `readS3Settings`
 * reads the credentials file. Errors name the setting that is missing or wrong, never a secret.
 */

export interface S3Location {
  readonly bucket: string;
  /** Without leading or trailing `/`; empty for the whole bucket. */
  readonly prefix: string;
  /** `s3://bucket/prefix` as given, normalized (no trailing `/`). */
  readonly location: string;
}

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3Settings extends S3Location {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: S3Credentials;
  /** Where the credentials came from, for messages: an environment variable or the file. */
  readonly credentialsFrom: string;
}

export const S3_ENV = {
  endpoint: 'NETGUARDIAN_S3_ENDPOINT',
  region: 'NETGUARDIAN_S3_REGION',
  credentialsFile: 'NETGUARDIAN_S3_CREDENTIALS_FILE',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  sessionToken: 'AWS_SESSION_TOKEN',
} as const;

export const DEFAULT_S3_REGION = 'us-east-1';

const invalid = (message: string, field: string): Result<never, NetGuardianError> =>
  err(new NetGuardianError('InvalidArgument', message, field));

/**
 * S3's rules for bucket names (3–63 characters: lowercase letters, digits, dots and hyphens,
 * starting and ending with a letter or digit, not an IP address), which keep path-style URLs and
 * every S3-compatible server happy.
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;
const MAX_PREFIX = 512;

export function parseS3Location(location: string): Result<S3Location, NetGuardianError> {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(location.trim());
  if (match === null) {
    return invalid(
      `the chunk location must look like s3://BUCKET/PREFIX, not ${JSON.stringify(location)}`,
      'chunks',
    );
  }
  const bucket = match[1] ?? '';
  if (!BUCKET_NAME.test(bucket) || IP_ADDRESS.test(bucket) || bucket.includes('..')) {
    return invalid(
      `the bucket name ${JSON.stringify(bucket)} in ${location} is not one S3 allows: 3 to 63 ` +
        `lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit`,
      'chunks',
    );
  }
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  if (prefix.length > MAX_PREFIX) {
    return invalid(`the prefix in ${location} is longer than ${MAX_PREFIX} characters`, 'chunks');
  }
  // Control characters and empty, `.` or `..` parts make keys that servers and tools read apart.
  const parts = prefix === '' ? [] : prefix.split('/');
  const odd = [...prefix].some((c) => c < ' ' || c === '\u007f' || c === '\\');
  if (odd || parts.some((p) => p === '' || p === '.' || p === '..')) {
    return invalid(
      `the prefix ${JSON.stringify(prefix)} in ${location} has an empty, '.' or '..' part, a backslash or a control character`,
      'chunks',
    );
  }
  return ok({
    bucket,
    prefix,
    location: prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`,
  });
}

/**
 * The settings from the location, the environment and the credentials file's text (read by the
 * caller when `NETGUARDIAN_S3_CREDENTIALS_FILE` is set; `undefined` otherwise).
 */
export function s3Settings(
  location: string,
  env: NodeJS.ProcessEnv,
  credentialsFileText?: string,
): Result<S3Settings, NetGuardianError> {
  const where = parseS3Location(location);
  if (!where.ok) return where;
  const endpoint = setting(env, S3_ENV.endpoint);
  if (endpoint === undefined) {
    return invalid(
      `${S3_ENV.endpoint} is not set: chunks in ${where.value.location} need the S3 server's URL ` +
        `in it (such as https://s3.us-east-1.amazonaws.com or http://127.0.0.1:9000)`,
      S3_ENV.endpoint,
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return invalid(`${S3_ENV.endpoint} is not a URL: ${JSON.stringify(endpoint)}`, S3_ENV.endpoint);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return invalid(
      `${S3_ENV.endpoint} must be an http:// or https:// URL, not ${JSON.stringify(endpoint)}`,
      S3_ENV.endpoint,
    );
  }
  if (url.username !== '' || url.password !== '') {
    return invalid(
      `${S3_ENV.endpoint} must not carry credentials; set them with ${S3_ENV.accessKeyId} and ${S3_ENV.secretAccessKey} or ${S3_ENV.credentialsFile}`,
      S3_ENV.endpoint,
    );
  }
  const region = setting(env, S3_ENV.region) ?? DEFAULT_S3_REGION;
  if (!/^[a-z0-9-]{1,64}$/.test(region)) {
    return invalid(
      `${S3_ENV.region} must be a region name such as us-east-1, not ${JSON.stringify(region)}`,
      S3_ENV.region,
    );
  }
  const credentials = credentialsFrom(env, credentialsFileText);
  if (!credentials.ok) return credentials;
  return ok({
    ...where.value,
    endpoint: url.href.replace(/\/$/, ''),
    region,
    credentials: credentials.value.credentials,
    credentialsFrom: credentials.value.from,
  });
}

function credentialsFrom(
  env: NodeJS.ProcessEnv,
  fileText: string | undefined,
): Result<{ credentials: S3Credentials; from: string }, NetGuardianError> {
  const file = setting(env, S3_ENV.credentialsFile);
  if (file !== undefined) {
    if (fileText === undefined) {
      return invalid(
        `the credentials file ${file} (${S3_ENV.credentialsFile}) was not read`,
        S3_ENV.credentialsFile,
      );
    }
    const parsed = parseCredentialsFile(fileText, file);
    return parsed.ok ? ok({ credentials: parsed.value, from: file }) : parsed;
  }
  const accessKeyId = setting(env, S3_ENV.accessKeyId);
  const secretAccessKey = setting(env, S3_ENV.secretAccessKey);
  if (accessKeyId === undefined && secretAccessKey === undefined) {
    return invalid(
      `no S3 credentials: set ${S3_ENV.accessKeyId} and ${S3_ENV.secretAccessKey}, or ` +
        `${S3_ENV.credentialsFile} to a file with access_key_id= and secret_access_key= lines`,
      S3_ENV.accessKeyId,
    );
  }
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = accessKeyId === undefined ? S3_ENV.accessKeyId : S3_ENV.secretAccessKey;
    const given = accessKeyId === undefined ? S3_ENV.secretAccessKey : S3_ENV.accessKeyId;
    return invalid(`${given} is set but ${missing} is not: the S3 credentials need both`, missing);
  }
  const sessionToken = setting(env, S3_ENV.sessionToken);
  return ok({
    credentials: {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken === undefined ? {} : { sessionToken }),
    },
    from: `${S3_ENV.accessKeyId}/${S3_ENV.secretAccessKey}`,
  });
}

const FILE_KEYS = { access_key_id: 'accessKeyId', secret_access_key: 'secretAccessKey' } as const;

/** `access_key_id=…` and `secret_access_key=…` lines; blank lines and `#` comments allowed. */
export function parseCredentialsFile(
  text: string,
  path: string,
): Result<S3Credentials, NetGuardianError> {
  const found: { accessKeyId?: string; secretAccessKey?: string } = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    const name = (equals < 0 ? line : line.slice(0, equals)).trim();
    if (equals < 0 || !(name in FILE_KEYS)) {
      // The line is not echoed: it may hold a secret.
      return invalid(
        `line ${index + 1} of the S3 credentials file ${path} is not access_key_id=… or secret_access_key=…`,
        S3_ENV.credentialsFile,
      );
    }
    const key = FILE_KEYS[name as keyof typeof FILE_KEYS];
    if (found[key] !== undefined) {
      return invalid(`the S3 credentials file ${path} sets ${name} twice`, S3_ENV.credentialsFile);
    }
    const value = line.slice(equals + 1).trim();
    if (value === '') {
      return invalid(`${name} is empty in the S3 credentials file ${path}`, S3_ENV.credentialsFile);
    }
    found[key] = value;
  }
  const missing = Object.entries(FILE_KEYS)
    .filter(([, key]) => found[key] === undefined)
    .map(([name]) => `${name}=`);
  if (found.accessKeyId === undefined || found.secretAccessKey === undefined) {
    return invalid(
      `the S3 credentials file ${path} lacks ${missing.join(' and ')}`,
      S3_ENV.credentialsFile,
    );
  }
  return ok({ accessKeyId: found.accessKeyId, secretAccessKey: found.secretAccessKey });
}

/** Reads the settings, the credentials file included; rejects with the error `s3Settings` gives. */
export async function readS3Settings(
  location: string,
  env: NodeJS.ProcessEnv,
): Promise<S3Settings> {
  const file = setting(env, S3_ENV.credentialsFile);
  let text: string | undefined;
  if (file !== undefined) {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new NetGuardianError(
        'InvalidArgument',
        `the S3 credentials file ${file} (${S3_ENV.credentialsFile}) can't be read (${code})`,
        S3_ENV.credentialsFile,
      );
    }
  }
  const settings = s3Settings(location, env, text);
  if (!settings.ok) throw settings.error;
  return settings.value;
}

function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
