import { describe, expect, it } from 'vitest';
import { hubConfigFromDbKeys, hubConfigFromEnv } from './hubConfig.js';

describe('hubConfigFromDbKeys', () => {
  it('builds the URL from the seed’s DB_* keys, with their defaults', () => {
    expect(hubConfigFromDbKeys({ DB_HOST: 'hub.lan' })).toEqual({
      ok: true,
      value: { connectionString: 'postgres://postgres@hub.lan:5432/netguardian' },
    });
    expect(
      hubConfigFromDbKeys({
        DB_HOST: '10.0.0.5',
        DB_PORT: '5433',
        DB_NAME: 'ng hub',
        DB_USER: 'admin',
        DB_PASSWORD: 'p@ss:word/1',
        DB_SSL: 'require',
      }),
    ).toEqual({
      ok: true,
      value: {
        connectionString: 'postgres://admin:p%40ss%3Aword%2F1@10.0.0.5:5433/ng%20hub',
        ssl: { rejectUnauthorized: false },
      },
    });
    expect(hubConfigFromDbKeys({ DB_HOST: 'h', DB_SSL: 'verify-full', DB_SSL_CA: 'PEM' })).toEqual({
      ok: true,
      value: {
        connectionString: 'postgres://postgres@h:5432/netguardian',
        ssl: { rejectUnauthorized: true, ca: 'PEM' },
      },
    });
  });

  it('is no hub without DB_HOST, and never reads DATABASE_URL', () => {
    expect(hubConfigFromDbKeys({})).toEqual({ ok: true, value: undefined });
    expect(hubConfigFromDbKeys({ DATABASE_URL: 'postgres://x@y/z' })).toEqual({
      ok: true,
      value: undefined,
    });
  });

  it('refuses a DB_PORT that is not a port', () => {
    const bad = hubConfigFromDbKeys({ DB_HOST: 'h', DB_PORT: '70000' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toBe('DB_PORT must be a port number, got "70000"');
  });
});

describe('hubConfigFromEnv', () => {
  it('takes DATABASE_URL first (the library and the examples), else the DB_* keys', () => {
    expect(hubConfigFromEnv({ DATABASE_URL: 'postgres://a@b/c', DB_HOST: 'h' })).toEqual({
      ok: true,
      value: { connectionString: 'postgres://a@b/c' },
    });
    expect(hubConfigFromEnv({ DB_HOST: 'h' })).toEqual({
      ok: true,
      value: { connectionString: 'postgres://postgres@h:5432/netguardian' },
    });
  });
});
