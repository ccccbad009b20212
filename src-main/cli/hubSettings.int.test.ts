import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../test/support/tempDir.js';
import { hubAdminTarget } from './hubSettings.js';

/**
 * Where the CLI's hub settings come from (issue 12 point 7): a `hub` command's from --url,
 * --env-file or the environment; a device's from its config.json only. Real files.
 */

let tmp: TempDir;
beforeAll(async () => {
  tmp = await makeTempDir('ng-hub-settings-');
});
afterAll(async () => {
  await tmp?.cleanup();
});

const ADMIN_KEYS = {
  DB_HOST: 'hub.lan',
  DB_PORT: '5433',
  DB_USER: 'admin',
  DB_PASSWORD: 'secret',
};

describe('hubAdminTarget (hub commands)', () => {
  it('takes --url first, as given', async () => {
    expect(await hubAdminTarget({ url: 'postgres://a:b@h/db', envFile: 'x' }, ADMIN_KEYS)).toBe(
      'postgres://a:b@h/db',
    );
  });

  it('takes the DB_* keys of --env-file, and only those (not the environment’s)', async () => {
    const file = path.join(tmp.path, 'hub.env');
    await writeFile(
      file,
      '# the hub\nDB_HOST=10.0.0.5\nDB_NAME="ng"\nDATABASE_URL=postgres://t@t/t\n',
    );
    expect(await hubAdminTarget({ envFile: file }, { ...ADMIN_KEYS, DB_SSL: 'require' })).toEqual({
      connectionString: 'postgres://postgres@10.0.0.5:5432/ng',
    });
  });

  it('takes the environment’s DB_* keys without --url or --env-file, never DATABASE_URL', async () => {
    expect(await hubAdminTarget({}, ADMIN_KEYS)).toEqual({
      connectionString: 'postgres://admin:secret@hub.lan:5433/netguardian',
    });
    await expect(hubAdminTarget({}, { DATABASE_URL: 'postgres://t@t/t' })).rejects.toThrow(
      'no hub given: pass --url, or set DB_HOST (with DB_PORT, DB_NAME, DB_USER, DB_PASSWORD) in the environment or in a file named by --env-file',
    );
  });

  it('reads the CA bundle DB_SSL_CA names', async () => {
    const ca = path.join(tmp.path, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n');
    const keys = { DB_HOST: 'h', DB_SSL: 'verify-full', DB_SSL_CA: ca };
    expect(await hubAdminTarget({}, keys)).toEqual({
      connectionString: 'postgres://postgres@h:5432/netguardian',
      ssl: {
        rejectUnauthorized: true,
        ca: '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n',
      },
    });
    await expect(
      hubAdminTarget({}, { ...keys, DB_SSL_CA: path.join(tmp.path, 'none.pem') }),
    ).rejects.toThrow(`DB_SSL_CA file ${path.join(tmp.path, 'none.pem')} cannot be read`);
  });

  it('says in one line when --env-file cannot be read', async () => {
    const missing = path.join(tmp.path, 'nope.env');
    await expect(hubAdminTarget({ envFile: missing }, {})).rejects.toThrow(
      `cannot read --env-file ${missing}: ENOENT: no such file or directory, open '${missing}'`,
    );
  });
});
