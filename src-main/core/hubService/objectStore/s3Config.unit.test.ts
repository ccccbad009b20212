import { describe, expect, it } from 'vitest';
import { parseCredentialsFile, parseS3Location, s3Settings } from './s3Config.js';

const ENV = {
  NETGUARDIAN_S3_ENDPOINT: 'http://127.0.0.1:9000',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
};

const errorOf = (result: { ok: boolean; error?: { message: string; field?: string } }) => {
  expect(result.ok).toBe(false);
  return { message: result.error?.message, field: result.error?.field };
};

describe('parseS3Location', () => {
  it('reads the bucket and the prefix, trailing slashes dropped', () => {
    expect(parseS3Location('s3://hub-chunks/team/a/')).toEqual({
      ok: true,
      value: { bucket: 'hub-chunks', prefix: 'team/a', location: 's3://hub-chunks/team/a' },
    });
    expect(parseS3Location('s3://hub.chunks')).toEqual({
      ok: true,
      value: { bucket: 'hub.chunks', prefix: '', location: 's3://hub.chunks' },
    });
    expect(parseS3Location('s3://abc/')).toEqual({
      ok: true,
      value: { bucket: 'abc', prefix: '', location: 's3://abc' },
    });
  });

  it('refuses what is not s3://BUCKET/PREFIX', () => {
    expect(errorOf(parseS3Location('https://x/y'))).toEqual({
      message: 'the chunk location must look like s3://BUCKET/PREFIX, not "https://x/y"',
      field: 'chunks',
    });
  });

  it('refuses bucket names S3 does not allow', () => {
    for (const bucket of ['ab', 'Upper', '-dash', 'dash-', 'a..b', '192.168.1.1', 'a_b', '']) {
      expect(errorOf(parseS3Location(`s3://${bucket}/p`)).message).toContain(
        `the bucket name "${bucket}" in s3://${bucket}/p is not one S3 allows`,
      );
    }
  });

  it('refuses prefixes with empty, . or .. parts, backslashes or control characters', () => {
    for (const prefix of ['a//b', './a', 'a/../b', 'a\\b', 'a\u0001b']) {
      expect(errorOf(parseS3Location(`s3://bucket/${prefix}`)).message).toContain(
        "has an empty, '.' or '..' part, a backslash or a control character",
      );
    }
  });
});

describe('s3Settings', () => {
  it('takes the endpoint, the default region and the credentials from the environment', () => {
    expect(s3Settings('s3://bucket/chunks', ENV)).toEqual({
      ok: true,
      value: {
        bucket: 'bucket',
        prefix: 'chunks',
        location: 's3://bucket/chunks',
        endpoint: 'http://127.0.0.1:9000',
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' },
        credentialsFrom: 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      },
    });
  });

  it('takes the region and a session token when set', () => {
    const result = s3Settings('s3://bucket', {
      ...ENV,
      NETGUARDIAN_S3_REGION: 'eu-west-3',
      AWS_SESSION_TOKEN: 'token',
    });
    expect(result.ok && result.value.region).toBe('eu-west-3');
    expect(result.ok && result.value.credentials).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI',
      sessionToken: 'token',
    });
  });

  it('names a missing endpoint', () => {
    expect(
      errorOf(s3Settings('s3://bucket/chunks', { ...ENV, NETGUARDIAN_S3_ENDPOINT: '' })),
    ).toEqual({
      message:
        "NETGUARDIAN_S3_ENDPOINT is not set: chunks in s3://bucket/chunks need the S3 server's URL in it (such as https://s3.us-east-1.amazonaws.com or http://127.0.0.1:9000)",
      field: 'NETGUARDIAN_S3_ENDPOINT',
    });
  });

  it('refuses an endpoint that is no http(s) URL or carries credentials', () => {
    expect(errorOf(s3Settings('s3://bucket', { ...ENV, NETGUARDIAN_S3_ENDPOINT: 'nope' }))).toEqual(
      {
        message: 'NETGUARDIAN_S3_ENDPOINT is not a URL: "nope"',
        field: 'NETGUARDIAN_S3_ENDPOINT',
      },
    );
    expect(
      errorOf(s3Settings('s3://bucket', { ...ENV, NETGUARDIAN_S3_ENDPOINT: 'ftp://host' })).message,
    ).toBe('NETGUARDIAN_S3_ENDPOINT must be an http:// or https:// URL, not "ftp://host"');
    const withSecret = errorOf(
      s3Settings('s3://bucket', { ...ENV, NETGUARDIAN_S3_ENDPOINT: 'http://k:s3cret@host' }),
    );
    expect(withSecret.message).toContain('NETGUARDIAN_S3_ENDPOINT must not carry credentials');
    expect(withSecret.message).not.toContain('s3cret');
  });

  it('refuses a region that is no region name', () => {
    expect(errorOf(s3Settings('s3://bucket', { ...ENV, NETGUARDIAN_S3_REGION: 'Mars 1' }))).toEqual(
      {
        message: 'NETGUARDIAN_S3_REGION must be a region name such as us-east-1, not "Mars 1"',
        field: 'NETGUARDIAN_S3_REGION',
      },
    );
  });

  it('names missing credentials, and which half of a pair is missing', () => {
    const { NETGUARDIAN_S3_ENDPOINT } = ENV;
    expect(errorOf(s3Settings('s3://bucket', { NETGUARDIAN_S3_ENDPOINT }))).toEqual({
      message:
        'no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or NETGUARDIAN_S3_CREDENTIALS_FILE to a file with access_key_id= and secret_access_key= lines',
      field: 'AWS_ACCESS_KEY_ID',
    });
    expect(
      errorOf(s3Settings('s3://bucket', { NETGUARDIAN_S3_ENDPOINT, AWS_ACCESS_KEY_ID: 'id' })),
    ).toEqual({
      message:
        'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: the S3 credentials need both',
      field: 'AWS_SECRET_ACCESS_KEY',
    });
    expect(
      errorOf(s3Settings('s3://bucket', { NETGUARDIAN_S3_ENDPOINT, AWS_SECRET_ACCESS_KEY: 's' })),
    ).toEqual({
      message:
        'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: the S3 credentials need both',
      field: 'AWS_ACCESS_KEY_ID',
    });
  });

  it('prefers the credentials file when one is named', () => {
    const result = s3Settings(
      's3://bucket',
      { ...ENV, NETGUARDIAN_S3_CREDENTIALS_FILE: '/etc/ng/s3' },
      'access_key_id=fromfile\nsecret_access_key=filesecret\n',
    );
    expect(result.ok && result.value.credentials).toEqual({
      accessKeyId: 'fromfile',
      secretAccessKey: 'filesecret',
    });
    expect(result.ok && result.value.credentialsFrom).toBe('/etc/ng/s3');
  });
});

describe('parseCredentialsFile', () => {
  it('reads both keys, around comments, blank lines, spaces and CRLF', () => {
    expect(
      parseCredentialsFile(
        '# hub S3 key\r\n\r\n  access_key_id = AK = x \r\nsecret_access_key=s/e+c=\r\n',
        'f',
      ),
    ).toEqual({ ok: true, value: { accessKeyId: 'AK = x', secretAccessKey: 's/e+c=' } });
  });

  it('names what is missing, doubled, empty or unknown, never echoing a line', () => {
    expect(errorOf(parseCredentialsFile('access_key_id=a\n', '/k')).message).toBe(
      'the S3 credentials file /k lacks secret_access_key=',
    );
    expect(errorOf(parseCredentialsFile('', '/k')).message).toBe(
      'the S3 credentials file /k lacks access_key_id= and secret_access_key=',
    );
    expect(
      errorOf(parseCredentialsFile('access_key_id=a\naccess_key_id=b\nsecret_access_key=c', '/k'))
        .message,
    ).toBe('the S3 credentials file /k sets access_key_id twice');
    expect(errorOf(parseCredentialsFile('access_key_id=\nsecret_access_key=c', '/k')).message).toBe(
      'access_key_id is empty in the S3 credentials file /k',
    );
    const unknown = errorOf(parseCredentialsFile('access_key_id=a\nsecret_key=hunter2', '/k'));
    expect(unknown).toEqual({
      message: 'line 2 of the S3 credentials file /k is not access_key_id=… or secret_access_key=…',
      field: 'NETGUARDIAN_S3_CREDENTIALS_FILE',
    });
  });
});
