import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import {
  certificateFingerprint,
  loadOrCreateHubCertificate,
  loadOrCreateHubId,
} from './hubCertificate.js';

/**
 * The hub's certificate and id, in a real folder; the fingerprint checked against what a real
 * TLS connection on 127.0.0.1 reports, and against openssl for a fixed certificate.
 */

/** Made with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj /CN=fixture`. */
const FIXTURE_PEM = `-----BEGIN CERTIFICATE-----
MIIBejCCAR+gAwIBAgIURmLZ2+N/uyiwA6dxyb3qedaUn/EwCgYIKoZIzj0EAwIw
EjEQMA4GA1UEAwwHZml4dHVyZTAeFw0yNjEyMDYwMDEyMTFaFw0zNjEyMDMwMDEy
MTFaMBIxEDAOBgNVBAMMB2ZpeHR1cmUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AAT9/RnTQAgw9nuD5GdKaMS09FkYwRj/47NMk1l0I3sykmB4aHkLTnFBbtHNdBR9
/y27C2yqKb95iYTkhdHikONqo1MwUTAdBgNVHQ4EFgQUU8SUYf4jAYljTykPNFdz
1g6nrNwwHwYDVR0jBBgwFoAUU8SUYf4jAYljTykPNFdz1g6nrNwwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA0ZTXtmHrPqWH7JTfn9h/SnEe6ojI
YisQ6Hy8EjKzpOsCIQDL0ujw4BMxSas22pv+Aivr7I0GCoh+mNftLLbtTeaV9A==
-----END CERTIFICATE-----
`;
/** `openssl x509 -noout -fingerprint -sha256` of it, colons removed, lower case. */
const FIXTURE_FINGERPRINT = '32ebc422cca3d8802e9a532f58505b88e331832002070adfe0ef9275bbdb2461';

const mode = async (file: string) => (await stat(file)).mode & 0o777;

/** The fingerprint a TLS client on 127.0.0.1 sees from a server using this key and certificate. */
async function fingerprintOverTls(keyPem: string, certPem: string): Promise<string> {
  const server = tls.createServer({ key: keyPem, cert: certPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<string>((resolve, reject) => {
      // No CA check: devices pin the fingerprint instead.
      const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        const seen = socket.getPeerCertificate().fingerprint256;
        socket.destroy();
        resolve(seen.replace(/:/g, '').toLowerCase());
      });
      socket.once('error', reject);
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('netguardian-hubcert-');
});
afterEach(async () => {
  await dir.cleanup();
});

describe('certificateFingerprint', () => {
  it('is the lowercase hex SHA-256 of the DER, as openssl prints it', () => {
    expect(certificateFingerprint(FIXTURE_PEM)).toBe(FIXTURE_FINGERPRINT);
  });
});

describe('loadOrCreateHubCertificate', () => {
  it('makes a self-signed ECDSA P-256 certificate for ten years, with private files', async () => {
    const dataDir = path.join(dir.path, 'hub');
    const before = Date.now();
    const made = await loadOrCreateHubCertificate(dataDir);
    expect(made.created).toBe(true);
    expect(made.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const tlsDir = path.join(dataDir, 'tls');
    expect(await mode(tlsDir)).toBe(0o700);
    expect(await mode(path.join(tlsDir, 'hub.key'))).toBe(0o600);
    expect(await mode(path.join(tlsDir, 'hub.crt'))).toBe(0o644);
    expect(await readFile(path.join(tlsDir, 'hub.crt'), 'utf8')).toBe(made.certPem);
    expect(await readFile(path.join(tlsDir, 'hub.key'), 'utf8')).toBe(made.keyPem);

    const cert = new X509Certificate(made.certPem);
    expect(cert.subject).toBe('CN=NetGuardian hub');
    expect(cert.issuer).toBe('CN=NetGuardian hub');
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
    const validFrom = Date.parse(cert.validFrom);
    const validTo = Date.parse(cert.validTo);
    expect(validFrom).toBeLessThanOrEqual(before);
    const tenYearsMs = 10 * 365.25 * 24 * 3600 * 1000;
    expect(Math.abs(validTo - validFrom - tenYearsMs)).toBeLessThan(3 * 24 * 3600 * 1000);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
  });

  it("gives the fingerprint Node's TLS client reports for the served certificate", async () => {
    const made = await loadOrCreateHubCertificate(dir.path);
    expect(await fingerprintOverTls(made.keyPem, made.certPem)).toBe(made.fingerprint);
  });

  it('loads the same certificate on the next start', async () => {
    const first = await loadOrCreateHubCertificate(dir.path, { commonName: 'home hub' });
    const second = await loadOrCreateHubCertificate(dir.path, { commonName: 'ignored now' });
    expect(second).toEqual({ ...first, created: false });
    expect(new X509Certificate(second.certPem).subject).toBe('CN=home hub');
  });

  it('refuses to replace a certificate whose key is missing (devices pin it)', async () => {
    const first = await loadOrCreateHubCertificate(dir.path);
    await rm(path.join(dir.path, 'tls', 'hub.key'));
    await expect(loadOrCreateHubCertificate(dir.path)).rejects.toThrow(/hub\.key is missing/);
    expect(await readFile(path.join(dir.path, 'tls', 'hub.crt'), 'utf8')).toBe(first.certPem);
  });

  it("of hubs starting at once on one data directory, all use the first one's certificate", async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => loadOrCreateHubCertificate(dir.path)),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(1);
    const onDisk = await loadOrCreateHubCertificate(dir.path);
    expect(onDisk.fingerprint).toBe(results[0]?.fingerprint);
    expect(await readdir(dir.path)).toEqual(['tls']); // no staging folder left
  });

  it("makes its pair in an empty tls folder, and refuses a key that is not the certificate's", async () => {
    await mkdir(path.join(dir.path, 'tls'));
    const first = await loadOrCreateHubCertificate(dir.path);
    expect(first.created).toBe(true);
    const other = await loadOrCreateHubCertificate(path.join(dir.path, 'other'));
    await writeFile(path.join(dir.path, 'tls', 'hub.key'), other.keyPem);
    await expect(loadOrCreateHubCertificate(dir.path)).rejects.toThrow(
      /hub\.key is not the private key of .*hub\.crt/,
    );
  });
});

describe('loadOrCreateHubId', () => {
  it('makes a random id once and keeps it', async () => {
    const dataDir = path.join(dir.path, 'fresh');
    const id = await loadOrCreateHubId(dataDir);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(await readFile(path.join(dataDir, 'hub-id'), 'utf8')).toBe(`${id}\n`);
    expect(await loadOrCreateHubId(dataDir)).toBe(id);
    expect(await loadOrCreateHubId(path.join(dir.path, 'other'))).not.toBe(id);
  });

  it('gives hubs starting at once the same id', async () => {
    const ids = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateHubId(dir.path)));
    expect(new Set(ids).size).toBe(1);
    expect(await readFile(path.join(dir.path, 'hub-id'), 'utf8')).toBe(`${ids[0]}\n`);
    expect(await readdir(dir.path)).toEqual(['hub-id']);
  });

  it('reads an id written by hand', async () => {
    await writeFile(path.join(dir.path, 'hub-id'), '  my-hub-1\n');
    expect(await loadOrCreateHubId(dir.path)).toBe('my-hub-1');
  });
});
