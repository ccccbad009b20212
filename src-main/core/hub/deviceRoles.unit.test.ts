import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deviceConnectionString,
  deviceRoleName,
  generatePassword,
  isDeviceRoleName,
  scramVerifier,
} from './deviceRoles.js';

describe('device role names', () => {
  it('are ng_<slug>_<hex>, safe and bounded, whatever the device name', () => {
    expect(deviceRoleName('Laptop', '0a1b2c3d')).toBe('ng_laptop_0a1b2c3d');
    expect(deviceRoleName("Léa's MacBook Pro", '0a1b2c3d')).toBe('ng_lea_s_macbook_pro_0a1b2c3d');
    expect(deviceRoleName('"; DROP ROLE postgres; --', '0a1b2c3d')).toBe(
      'ng_drop_role_postgres_0a1b2c3d',
    );
    expect(deviceRoleName('日本語', '0a1b2c3d')).toBe('ng_device_0a1b2c3d');
    const long = deviceRoleName('x'.repeat(500));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(isDeviceRoleName(long)).toBe(true);
  });

  it('are unique per call', () => {
    expect(deviceRoleName('pc')).not.toBe(deviceRoleName('pc'));
  });

  it('only NetGuardian device names are recognised (never postgres or another role)', () => {
    expect(isDeviceRoleName('ng_laptop_0a1b2c3d')).toBe(true);
    for (const name of [
      'postgres',
      'netguardian_device',
      'ng_laptop',
      'ng__0a1b2c3d',
      'ng_Laptop_0a1b2c3d',
      'ng_laptop_0A1B2C3D',
      'ng_lap top_0a1b2c3d',
      'ng_laptop_0a1b2c3d; DROP ROLE x',
    ]) {
      expect(isDeviceRoleName(name), name).toBe(false);
    }
  });
});

describe('passwords and SCRAM verifiers', () => {
  it('passwords are 192 random bits, URL-safe', () => {
    const p = generatePassword();
    expect(p).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generatePassword()).not.toBe(p);
  });

  it('the verifier matches the RFC 7677 SCRAM-SHA-256 example exchange', () => {
    // RFC 7677 §3: user "user", password "pencil".
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const verifier = scramVerifier('pencil', salt, 4096);
    const m = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier);
    expect(m?.[1]).toBe('W22ZaJ0SNY7soEsUEjb6gQ==');
    const storedKey = Buffer.from(m?.[2] ?? '', 'base64');
    const serverKey = Buffer.from(m?.[3] ?? '', 'base64');
    const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = [
      'n=user,r=rOprNGfwEbeRWgbNEkqO',
      `r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`,
      `c=biws,r=${nonce}`,
    ].join(',');
    // The server's signature proves ServerKey.
    expect(createHmac('sha256', serverKey).update(authMessage).digest('base64')).toBe(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
    // The client's proof checks against StoredKey exactly as the server does.
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const clientSignature = createHmac('sha256', storedKey).update(authMessage).digest();
    const clientKey = Buffer.from(proof.map((b, i) => b ^ (clientSignature[i] ?? 0)));
    expect(createHash('sha256').update(clientKey).digest().equals(storedKey)).toBe(true);
  });
});

describe('device connection strings', () => {
  it('keep the admin URL host, port, database and options, with the device credentials', () => {
    const url = deviceConnectionString(
      'postgres://postgres:secret@db.example:6543/netguardian?sslmode=require',
      { role: 'ng_pc_0a1b2c3d', password: 'abc-_123' },
    );
    expect(url).toBe(
      'postgres://ng_pc_0a1b2c3d:abc-_123@db.example:6543/netguardian?sslmode=require',
    );
  });

  it('take another host and port where devices reach the hub', () => {
    const url = new URL(
      deviceConnectionString(
        'postgres://postgres:secret@127.0.0.1:5432/netguardian',
        { role: 'ng_pc_0a1b2c3d', password: 'p' },
        { host: 'fe80::1', port: 7000 },
      ),
    );
    expect(url.hostname).toBe('[fe80::1]');
    expect(url.port).toBe('7000');
    expect(url.username).toBe('ng_pc_0a1b2c3d');
  });
});
