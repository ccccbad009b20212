import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { writeFileDurably } from '../files/durableFs.js';

/**
 * The device credential its hub gave at pairing: in `<dataDir>/hub-credential`, readable by the
 * user only, apart from config.json so that a config shown, copied or attached to a bug report
 * never carries it. Written durably: a power cut leaves the old credential or the new one.
 */
export const HUB_CREDENTIAL_FILE = 'hub-credential';

const credentialPath = (dataDir: string) => path.join(dataDir, HUB_CREDENTIAL_FILE);

export async function writeHubCredential(dataDir: string, credential: string): Promise<void> {
  await writeFileDurably(credentialPath(dataDir), `${credential}\n`, { mode: 0o600 });
}

/** The stored credential; refused in words when the device has none (paired, then lost it). */
export async function readHubCredential(dataDir: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(credentialPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new NetGuardianError(
      'NotFound',
      `this device's hub credential (${credentialPath(dataDir)}) is missing: pair it again with \`netguardian join CODE\` and a new invite`,
      'credential',
    );
  }
  const credential = text.trim();
  if (credential === '')
    throw new NetGuardianError(
      'InvalidArgument',
      `this device's hub credential (${credentialPath(dataDir)}) is empty: pair it again with \`netguardian join CODE\` and a new invite`,
      'credential',
    );
  return credential;
}

/** Forgets the credential (a device taken off its hub). */
export async function removeHubCredential(dataDir: string): Promise<void> {
  await rm(credentialPath(dataDir), { force: true });
}
