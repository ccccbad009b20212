import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { SqlClient } from '../store/sqlClient.js';
import {
  certificateFingerprint,
  loadPair,
  makeSelfSigned,
  readHubId,
  type HubCertificate,
} from './hubCertificate.js';

/**
 * The identity of a hub whose PostgreSQL server was given (`--database-url`): its certificate,
 * key and hub id are kept in the database (`hub_identity`, migration 0022), so that every hub
 * process on that database presents the same certificate (devices pin its fingerprint) and
 * reports the same hub id, whichever process a device reaches.
 *
 * The first process stores one: the pair and id its data dir holds (a hub that ran alone before
 * keeps the identity its devices pinned), else a new one made in memory. Of two first starts at
 * once, the insert of one wins (ON CONFLICT DO NOTHING) and both read back the same row. A data
 * dir holding another certificate than the database's is refused: the devices that pinned it
 * would be locked out, and it means the data dir belongs to another hub.
 */
export interface HubIdentity {
  readonly certificate: HubCertificate;
  readonly hubId: string;
  /**
   * This data dir's first start on a database that already held a hub: the process joins that
   * hub as another of its processes (said at start, so an admin who meant a new hub knows).
   */
  readonly joined?: boolean;
}

const INSERT_IDENTITY = `
INSERT INTO hub_identity (only_row, hub_id, cert_pem, key_pem) VALUES (true, $1, $2, $3)
ON CONFLICT (only_row) DO NOTHING`;
const SELECT_IDENTITY = `SELECT hub_id, cert_pem, key_pem FROM hub_identity WHERE only_row`;

interface IdentityRow {
  hub_id: string;
  cert_pem: string;
  key_pem: string;
}

export async function sharedHubIdentity(
  database: SqlClient,
  dataDir: string,
): Promise<HubIdentity> {
  const [local, localId] = await Promise.all([loadPair(dataDir), readHubId(dataDir)]);
  let row = (await database.query<IdentityRow>(SELECT_IDENTITY))[0];
  let created = false;
  if (!row) {
    const candidate = local ?? (await makeSelfSigned());
    const hubId = localId ?? randomBytes(16).toString('hex');
    await database.query(INSERT_IDENTITY, [hubId, candidate.certPem, candidate.keyPem]);
    row = (await database.query<IdentityRow>(SELECT_IDENTITY))[0];
    if (!row) throw new Error('the hub identity just stored in the database is not there');
    created = local === undefined && row.cert_pem === candidate.certPem;
  }
  const fingerprint = certificateFingerprint(row.cert_pem);
  if (local && local.fingerprint !== fingerprint)
    throw new NetGuardianError(
      'InvalidArgument',
      `this hub's data dir ${dataDir} holds another certificate (${local.fingerprint.slice(0, 16)}…) than the hub whose database this is (${fingerprint.slice(0, 16)}…): the data dir belongs to another hub; give this process a data dir of its own`,
      'data',
    );
  // Joined: the identity was another process's, and this data dir never served this hub (no pair
  // of its own, no record of a start here). A restart of a process is not a join.
  const served = await readServedHub(dataDir);
  const joined = local === undefined && !created && served !== row.hub_id && localId !== row.hub_id;
  if (served !== row.hub_id) await writeServedHub(dataDir, row.hub_id);
  return {
    certificate: { certPem: row.cert_pem, keyPem: row.key_pem, fingerprint, created },
    hubId: row.hub_id,
    ...(joined ? { joined } : {}),
  };
}

/** Where a data dir records the hub whose database it started on (`--database-url`). */
const SERVED_FILE = 'served-hub-id';

async function readServedHub(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dataDir, SERVED_FILE), 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function writeServedHub(dataDir: string, hubId: string): Promise<void> {
  await writeFile(path.join(dataDir, SERVED_FILE), `${hubId}\n`, { mode: 0o644 });
}
