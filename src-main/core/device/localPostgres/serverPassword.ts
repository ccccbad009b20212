import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { writeFileDurably } from '../../files/durableFs.js';

/**
 * The cluster superuser's password, in a 0600 file in the data dir. It is made anew whenever a
 * cluster is made (initdb sets it), and read on every other start.
 */
export async function createServerPassword(file: string): Promise<string> {
  const password = randomBytes(24).toString('base64url');
  await writeFileDurably(file, password + '\n', { mode: 0o600 });
  return password;
}

export async function readServerPassword(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new NetGuardianError(
      'NotFound',
      `the store's password file ${file} is missing: restore it from a backup of the data dir`,
    );
  }
  const password = text.trim();
  if (password === '') throw new NetGuardianError('StoreError', `${file} is empty`);
  return password;
}
