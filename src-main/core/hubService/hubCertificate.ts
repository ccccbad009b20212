import { createHash, createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { chmod, link, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as x509 from '@peculiar/x509';

/**
 * The hub's TLS identity: a self-signed certificate made on first start and kept in the data
 * directory. Devices do not check it against a certificate authority or a host name: they pin
 * its SHA-256 fingerprint, which reaches them inside the invite code. So it must never change by
 * itself (a new one would lock every paired device out): it is loaded, never regenerated, once
 * it exists. Also the hub's id, stable across restarts, which `hello` reports.
 */

export interface HubCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** Lowercase hex SHA-256 of the certificate's DER: what devices pin. */
  readonly fingerprint: string;
  /** Made by this call (first start), not loaded. */
  readonly created: boolean;
}

/** Long enough not to expire under a running hub; devices pin it, so its dates do not protect. */
const VALIDITY_YEARS = 10;
/** The generator's own types name the Web Crypto globals, which Node's lib types lack. */
type SelfSignedParams = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>;

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

const tlsDir = (dataDir: string) => path.join(dataDir, 'tls');
export const certificatePaths = (dataDir: string) => ({
  key: path.join(tlsDir(dataDir), 'hub.key'),
  cert: path.join(tlsDir(dataDir), 'hub.crt'),
});

/**
 * Lowercase hex SHA-256 of a PEM certificate's DER: the value Node's TLS socket reports as
 * `getPeerCertificate().fingerprint256`, without colons and in lower case.
 */
export function certificateFingerprint(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

/**
 * Loads `<dataDir>/tls/hub.crt` and `hub.key`, or makes them (ECDSA P-256, valid for ten years,
 * subject `commonName`, default "NetGuardian hub") when neither exists. A half-present pair (one
 * file without the other) or a key that is not the certificate's is refused rather than
 * replaced: replacing would change the pinned fingerprint.
 *
 * The new pair is written into a staging folder that is then renamed to `tls`: a crash leaves no
 * half pair, and of two hubs starting at once on one data directory the first rename wins and
 * the other loads its pair.
 */
export async function loadOrCreateHubCertificate(
  dataDir: string,
  options: { commonName?: string } = {},
): Promise<HubCertificate> {
  const loaded = await loadPair(dataDir);
  if (loaded !== undefined) return loaded;
  const made = await makeSelfSigned(options.commonName ?? 'NetGuardian hub');
  if (await publishPair(dataDir, made))
    return { ...made, fingerprint: certificateFingerprint(made.certPem), created: true };
  const theirs = await loadPair(dataDir);
  if (theirs !== undefined) return theirs;
  throw new Error(
    `${tlsDir(dataDir)} holds other files but no hub.crt and hub.key: move them away so the hub can make its certificate there`,
  );
}

/** The pair on disk, checked; undefined when neither file is there. */
export async function loadPair(dataDir: string): Promise<HubCertificate | undefined> {
  const files = certificatePaths(dataDir);
  const [certPem, keyPem] = await Promise.all([
    readIfPresent(files.cert),
    readIfPresent(files.key),
  ]);
  if (certPem === undefined && keyPem === undefined) return undefined;
  if (certPem === undefined || keyPem === undefined)
    throw new Error(
      `the hub's TLS certificate is incomplete: ${certPem === undefined ? files.cert : files.key} is missing. ` +
        `Restore it from a backup; making a new certificate would lock out every paired device (they pin it)`,
    );
  if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem)))
    throw new Error(
      `${files.key} is not the private key of ${files.cert}: restore the pair from one backup`,
    );
  return { certPem, keyPem, fingerprint: certificateFingerprint(certPem), created: false };
}

/** Writes the pair into a staging folder and renames it to `tls`; false if `tls` was taken. */
async function publishPair(
  dataDir: string,
  pair: { certPem: string; keyPem: string },
): Promise<boolean> {
  await mkdir(dataDir, { recursive: true });
  const staging = await mkdtemp(path.join(dataDir, 'tls.staging-'));
  try {
    await chmod(staging, 0o700); // mkdtemp's default, kept explicit: it becomes the private tls folder
    await writeWithMode(path.join(staging, 'hub.key'), pair.keyPem, 0o600);
    await writeWithMode(path.join(staging, 'hub.crt'), pair.certPem, 0o644);
    try {
      // Replaces an empty `tls` folder; fails on one that holds files (another hub's pair).
      await rename(staging, tlsDir(dataDir));
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** A new self-signed pair, in memory (see `loadOrCreateHubCertificate` for what it is). */
export async function makeSelfSigned(
  commonName = 'NetGuardian hub',
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 60_000); // valid at once for a peer whose clock is behind
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      // Positive: the first byte's top bit clear.
      serialNumber: '01' + randomBytes(15).toString('hex'),
      name: new x509.Name([{ CN: [commonName] }]),
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: ECDSA_P256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        // Harmless for devices (they pin the fingerprint), handy for a browser or curl on the hub.
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '127.0.0.1' },
        ]),
      ],
    },
    webcrypto as SelfSignedParams[1],
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
  };
}

/**
 * The hub's id: random, made once and kept in `<dataDir>/hub-id`, so a device can tell that it
 * talks to the hub it paired with (and not a fresh one at the same address). Published with a
 * hard link, which fails if the file exists: of two hubs starting at once, both end up with the
 * first one's id, and nobody reads a half-written file.
 */
export async function loadOrCreateHubId(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'hub-id');
  const existing = (await readIfPresent(file))?.trim();
  if (existing !== undefined && existing !== '') return existing;
  const id = randomBytes(16).toString('hex');
  await mkdir(dataDir, { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeWithMode(temp, id + '\n', 0o644);
    if (existing === '')
      await rename(temp, file); // an empty file left by hand: replaced
    else await link(temp, file);
    return id;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return ((await readIfPresent(file)) ?? '').trim();
  } finally {
    await rm(temp, { force: true });
  }
}

/** The hub id kept in the data dir; undefined when there is none. */
export async function readHubId(dataDir: string): Promise<string | undefined> {
  const id = (await readIfPresent(path.join(dataDir, 'hub-id')))?.trim();
  return id === '' ? undefined : id;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function writeWithMode(file: string, text: string, mode: number): Promise<void> {
  await writeFile(file, text, { mode, flag: 'wx' });
  await chmod(file, mode); // the umask may have narrowed it
}
