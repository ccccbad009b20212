import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { NetGuardianError } from '../../../src-shared/errors.js';

/** The group role every device role is a member of; migration 0009 grants it what a device needs. */
export const DEVICE_GROUP_ROLE = 'netguardian_device';

/**
 * A device role's name: `ng_<device>_<8 hex>`, where `<device>` is the device
 * name lower-cased with every run of other characters turned into `_`, cut to
 * 32 characters. Only these names are ever created or dropped by NetGuardian.
 */
const DEVICE_ROLE_PATTERN = /^ng_[a-z0-9](?:[a-z0-9_]{0,30}[a-z0-9])?_[0-9a-f]{8}$/;

/** A role name NetGuardian created for a device (and so may drop). */
export function isDeviceRoleName(name: string): boolean {
  return DEVICE_ROLE_PATTERN.test(name);
}

/** A fresh, unique role name for a device (`random` is for tests). */
export function deviceRoleName(
  deviceName: string,
  random: string = randomBytes(4).toString('hex'),
): string {
  const slug =
    deviceName
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .slice(0, 32)
      .replace(/^_+|_+$/g, '') || 'device';
  const name = `ng_${slug}_${random}`;
  if (!isDeviceRoleName(name)) {
    throw new NetGuardianError(
      'InvalidArgument',
      `cannot make a role name from ${JSON.stringify(deviceName)}`,
      'deviceName',
    );
  }
  return name;
}

/** A strong random password: 192 bits, URL-safe, so it goes into a connection string unescaped. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677,
 * as `CREATE ROLE ... PASSWORD 'SCRAM-SHA-256$...'` accepts it). Sending the
 * verifier instead of the password keeps the password out of the server's
 * statement logs. Passwords from `generatePassword` are ASCII, so SASLprep is
 * the identity on them.
 */
export function scramVerifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = 4096,
): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * A device's connection string: the admin URL's host, port, database and
 * options (e.g. `sslmode`), with the device's role and password. `host`/`port`
 * override where devices reach the hub when the admin connects another way
 * (e.g. the admin on 127.0.0.1, devices over the LAN).
 */
export function deviceConnectionString(
  adminUrl: string,
  credentials: { role: string; password: string },
  reach: { host?: string; port?: number } = {},
): string {
  const url = new URL(adminUrl);
  url.username = credentials.role;
  url.password = encodeURIComponent(credentials.password);
  if (reach.host !== undefined)
    url.hostname =
      reach.host.includes(':') && !reach.host.startsWith('[') ? `[${reach.host}]` : reach.host;
  if (reach.port !== undefined) url.port = String(reach.port);
  return url.toString();
}
