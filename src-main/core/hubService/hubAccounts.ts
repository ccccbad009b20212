import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { checkDeviceName } from '../../../src-shared/deviceName.js';
import { ID_PATTERN } from '../../../src-shared/paths.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import type { SqlClient, SqlExecutor } from '../store/sqlClient.js';

/**
 * The hub's device accounts (migration 0015): one-time invites into a space, the device
 * credentials they are exchanged for, presence, revocation, and per-space storage quotas.
 *
 * Secrets (an invite's, a credential's) are 32 random bytes, base64url; the hub stores only their
 * hex SHA-256, so a copy of the database does not let anyone in. A credential reads
 * `ngd1.<keyId>.<secret>`: the key id finds the row, the secret proves it.
 *
 * Times come from an injected clock (ms since the epoch) and are compared in SQL against it, so
 * every check in one call uses one instant and tests can move time.
 */

/** Running hub processes LISTEN here; the payload is the revoked key id. */
export const HUB_REVOKED_CHANNEL = 'netguardian_hub_revoked';

const CREDENTIAL_PREFIX = 'ngd1';
const SECRET_BYTES = 32;
/** 32 bytes in base64url without padding. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Device names as the pairing request allows them. */
const MAX_DEVICE_NAME = 64;
// eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** An invite lives at most this long: it is a password sent through chat or mail. */
export const MAX_INVITE_LIFETIME_MS = 30 * 24 * 3600 * 1000;

export interface DeviceIdentity {
  readonly keyId: string;
  readonly spaceId: string;
  readonly nodeId: string;
  readonly deviceName: string;
}

export interface DeviceListing extends DeviceIdentity {
  /** ISO 8601 (UTC). */
  readonly createdAt: string;
  readonly lastSeen: string | null;
  /** Its live stream is open (live_until is ahead of now). */
  readonly online: boolean;
  readonly revoked: boolean;
}

export interface CreatedInvite {
  readonly inviteId: string;
  /** Shown once (inside the invite code); the hub keeps only its hash. */
  readonly secret: string;
  /** ISO 8601 (UTC). */
  readonly expiresAt: string;
}

export interface PairedDevice {
  readonly identity: DeviceIdentity;
  /** `ngd1.<keyId>.<secret>`: shown once, the hub keeps only its hash. */
  readonly credential: string;
}

export interface SpaceUsage {
  readonly spaceId: string;
  readonly chunkBytes: number;
  /** null: no quota. */
  readonly quotaBytes: number | null;
}

export interface HubAccountsOptions {
  /** Milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

const INSERT_INVITE = `
INSERT INTO hub_invites (invite_id, space_id, secret_hash, created_at, expires_at)
VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz)`;

/** Claims an unused, unexpired invite; the row lock makes a concurrent claim wait and then miss. */
const CLAIM_INVITE = `
UPDATE hub_invites SET used_at = $2::timestamptz, used_by_node = $3
WHERE secret_hash = $1 AND used_at IS NULL AND expires_at > $2::timestamptz
RETURNING space_id`;

const SELECT_INVITE = `SELECT used_at, expires_at FROM hub_invites WHERE secret_hash = $1`;

const SELECT_ACTIVE_KEY = `
SELECT device_name FROM hub_device_keys WHERE space_id = $1 AND node_id = $2 AND revoked_at IS NULL`;

const INSERT_KEY = `
INSERT INTO hub_device_keys (key_id, space_id, node_id, device_name, secret_hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6::timestamptz)`;

const SELECT_KEY = `
SELECT space_id, node_id, device_name, secret_hash FROM hub_device_keys
WHERE key_id = $1 AND revoked_at IS NULL`;

const UPDATE_SEEN = `UPDATE hub_device_keys SET last_seen = $2::timestamptz WHERE key_id = $1`;
const UPDATE_LIVE = `UPDATE hub_device_keys SET live_until = $2::timestamptz WHERE key_id = $1`;
/** A device renames only its own working key (the one its credential proved). */
const UPDATE_NAME = `
UPDATE hub_device_keys SET device_name = $2 WHERE key_id = $1 AND revoked_at IS NULL
RETURNING device_name`;

const SELECT_DEVICES = `
SELECT key_id, space_id, node_id, device_name, created_at, last_seen,
       coalesce(live_until > $2::timestamptz AND revoked_at IS NULL, false) AS online,
       revoked_at IS NOT NULL AS revoked
FROM hub_device_keys
WHERE $1::text IS NULL OR space_id = $1
ORDER BY space_id COLLATE "C", device_name COLLATE "C", created_at, key_id`;

/** The working keys a revoke may mean: by node id or by name, in one space or in all. */
const SELECT_REVOKE_CANDIDATES = `
SELECT key_id, space_id, node_id, device_name FROM hub_device_keys
WHERE revoked_at IS NULL AND ($1::text IS NULL OR space_id = $1)
  AND (node_id = $2 OR device_name = $2)
ORDER BY space_id COLLATE "C", node_id COLLATE "C"
FOR UPDATE`;

const REVOKE_KEY = `
UPDATE hub_device_keys SET revoked_at = $2::timestamptz, live_until = NULL
WHERE key_id = $1 AND revoked_at IS NULL`;

const NOTIFY_REVOKED = `SELECT pg_notify($1, $2)`;

const SELECT_USAGE = `SELECT chunk_bytes, quota_bytes FROM hub_space_usage WHERE space_id = $1`;

const UPSERT_QUOTA = `
INSERT INTO hub_space_usage (space_id, quota_bytes) VALUES ($1, $2)
ON CONFLICT (space_id) DO UPDATE SET quota_bytes = EXCLUDED.quota_bytes`;

const UNIQUE_VIOLATION = '23505';

const newSecret = (): string => randomBytes(SECRET_BYTES).toString('base64url');
const newId = (): string => randomBytes(12).toString('base64url');
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string | Date).toISOString();

const refused = (message: string, field?: string) =>
  new NetGuardianError('InviteRefused', message, field);

/** Thrown inside a transaction to roll it back with an expected refusal; caught by its caller. */
class Refusal extends Error {
  constructor(readonly error: NetGuardianError) {
    super(error.message);
  }
}

function checkSpaceId(spaceId: string): void {
  if (!ID_PATTERN.test(spaceId))
    throw new NetGuardianError(
      'InvalidArgument',
      `spaceId ${JSON.stringify(spaceId)} must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit`,
      'spaceId',
    );
}

/** `ngd1.<keyId>.<secret>` → its parts, or undefined for anything else. */
export function parseCredential(
  credential: unknown,
): { keyId: string; secret: string } | undefined {
  if (typeof credential !== 'string' || credential.length > 200) return undefined;
  const parts = credential.split('.');
  if (parts.length !== 3 || parts[0] !== CREDENTIAL_PREFIX) return undefined;
  const [, keyId, secret] = parts as [string, string, string];
  if (!KEY_ID_PATTERN.test(keyId) || !SECRET_PATTERN.test(secret)) return undefined;
  return { keyId, secret };
}

/** Compares two hex SHA-256 digests in constant time. */
function sameDigest(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === 32 && b.length === 32 && timingSafeEqual(a, b);
}

export class HubAccounts {
  private readonly now: () => number;

  constructor(
    private readonly client: SqlClient,
    options: HubAccountsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A one-time invite into `spaceId`, valid for `expiresInMs`. Throws on invalid arguments. */
  async createInvite(input: { spaceId: string; expiresInMs: number }): Promise<CreatedInvite> {
    checkSpaceId(input.spaceId);
    const { expiresInMs } = input;
    if (
      !Number.isSafeInteger(expiresInMs) ||
      expiresInMs <= 0 ||
      expiresInMs > MAX_INVITE_LIFETIME_MS
    )
      throw new NetGuardianError(
        'InvalidArgument',
        `expiresInMs must be a whole number of milliseconds from 1 to ${MAX_INVITE_LIFETIME_MS} (30 days), got ${String(expiresInMs)}`,
        'expiresInMs',
      );
    const now = this.now();
    const invite: CreatedInvite = {
      inviteId: newId(),
      secret: newSecret(),
      expiresAt: iso(now + expiresInMs),
    };
    await this.client.query(INSERT_INVITE, [
      invite.inviteId,
      input.spaceId,
      sha256Hex(invite.secret),
      iso(now),
      invite.expiresAt,
    ]);
    return invite;
  }

  /**
   * Exchanges an invite's secret for a device credential bound to `nodeId` in the invite's space.
   * One transaction: the invite is used up only if the credential is made, and of two redeems of
   * one secret exactly one wins.
   */
  async redeemInvite(input: {
    secret: string;
    nodeId: string;
    deviceName: string;
  }): Promise<Result<PairedDevice, NetGuardianError>> {
    const { secret, nodeId, deviceName } = input;
    if (!ID_PATTERN.test(nodeId))
      return err(
        new NetGuardianError(
          'InvalidArgument',
          `nodeId ${JSON.stringify(nodeId)} must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit`,
          'nodeId',
        ),
      );
    // Control characters would garble the listings where the name is shown.
    if (
      deviceName.trim().length === 0 ||
      deviceName.length > MAX_DEVICE_NAME ||
      CONTROL_CHARACTER.test(deviceName)
    )
      return err(
        new NetGuardianError(
          'InvalidArgument',
          `the device name must be 1-${MAX_DEVICE_NAME} characters, not blank, without control characters`,
          'deviceName',
        ),
      );
    if (!SECRET_PATTERN.test(secret))
      return err(refused('this invite is not known to the hub (check that it was copied whole)'));
    const secretHash = sha256Hex(secret);
    const now = iso(this.now());
    const keySecret = newSecret();
    const keyId = newId();
    try {
      const identity = await this.client.transaction(async (tx) => {
        const claimed = await tx.query<{ space_id: string }>(CLAIM_INVITE, [
          secretHash,
          now,
          nodeId,
        ]);
        const spaceId = claimed[0]?.space_id;
        if (spaceId === undefined) throw new Refusal(await whyUnclaimed(tx, secretHash, now));
        const active = await tx.query<{ device_name: string }>(SELECT_ACTIVE_KEY, [
          spaceId,
          nodeId,
        ]);
        if (active[0] !== undefined)
          throw new Refusal(alreadyPaired(nodeId, spaceId, active[0].device_name));
        await tx.query(INSERT_KEY, [keyId, spaceId, nodeId, deviceName, sha256Hex(keySecret), now]);
        return { keyId, spaceId, nodeId, deviceName };
      });
      return ok({ identity, credential: `${CREDENTIAL_PREFIX}.${keyId}.${keySecret}` });
    } catch (e) {
      if (e instanceof Refusal) return err(e.error);
      // Another invite paired the same node id in this space at the same moment.
      if ((e as { code?: unknown }).code === UNIQUE_VIOLATION)
        return err(alreadyPaired(nodeId, undefined, undefined));
      throw e;
    }
  }

  /** The device a credential belongs to, or undefined (unknown, revoked, malformed, wrong secret). */
  async authenticate(credential: string): Promise<DeviceIdentity | undefined> {
    const parsed = parseCredential(credential);
    if (parsed === undefined) return undefined;
    const rows = await this.client.query<{
      space_id: string;
      node_id: string;
      device_name: string;
      secret_hash: string;
    }>(SELECT_KEY, [parsed.keyId], { name: 'ng_hub_select_key' });
    const row = rows[0];
    // Whether a key id exists is not secret (it is no use without its secret): only the
    // secret's comparison must not leak how much of it matched.
    if (row === undefined || !sameDigest(sha256Hex(parsed.secret), row.secret_hash))
      return undefined;
    return {
      keyId: parsed.keyId,
      spaceId: row.space_id,
      nodeId: row.node_id,
      deviceName: row.device_name,
    };
  }

  /** Records that the device was seen now (callers throttle: not on every request). */
  async noteSeen(keyId: string): Promise<void> {
    await this.client.query(UPDATE_SEEN, [keyId, iso(this.now())]);
  }

  /** The device counts as online until `untilMs` (ms since the epoch); its live stream renews it. */
  async markLive(keyId: string, untilMs: number): Promise<void> {
    await this.client.query(UPDATE_LIVE, [keyId, iso(untilMs)]);
  }

  /** Its live stream closed: offline now. */
  async clearLive(keyId: string): Promise<void> {
    await this.client.query(UPDATE_LIVE, [keyId, null]);
  }

  /**
   * The device of a working key renamed itself (settings): the name the other devices see. The
   * name is checked by the shared rule (`src-shared/deviceName.ts`); a revoked key renames nothing.
   */
  async renameDevice(keyId: string, typed: string): Promise<string> {
    const checked = checkDeviceName(typed);
    if (!checked.ok) throw new NetGuardianError('InvalidArgument', checked.message, 'deviceName');
    const rows = await this.client.query<{ device_name: string }>(UPDATE_NAME, [
      keyId,
      checked.name,
    ]);
    if (rows[0] === undefined)
      throw new NetGuardianError(
        'AccessDenied',
        'this device was removed from the hub: join it again with a new invite',
        'authorization',
      );
    return rows[0].device_name;
  }

  /** Every device key (revoked ones too), of one space or all, by space then name. */
  async listDevices(spaceId?: string): Promise<DeviceListing[]> {
    if (spaceId !== undefined) checkSpaceId(spaceId);
    const rows = await this.client.query<Record<string, unknown>>(SELECT_DEVICES, [
      spaceId ?? null,
      iso(this.now()),
    ]);
    return rows.map((r) => ({
      keyId: r.key_id as string,
      spaceId: r.space_id as string,
      nodeId: r.node_id as string,
      deviceName: r.device_name as string,
      createdAt: isoOrNull(r.created_at) as string,
      lastSeen: isoOrNull(r.last_seen),
      online: r.online === true,
      revoked: r.revoked === true,
    }));
  }

  /**
   * Revokes a device by node id or by name (in one space, or in every space it is in), and tells
   * running hub processes on `HUB_REVOKED_CHANNEL` (delivered on commit) so they close its
   * connections. A node id is matched first; a name that several devices share is refused with
   * them listed.
   */
  async revokeDevice(input: {
    spaceId?: string;
    device: string;
  }): Promise<Result<DeviceIdentity[], NetGuardianError>> {
    const { spaceId, device } = input;
    if (spaceId !== undefined) checkSpaceId(spaceId);
    const where = spaceId === undefined ? 'on this hub' : `in space ${spaceId}`;
    const now = iso(this.now());
    try {
      const revoked = await this.client.transaction(async (tx) => {
        const rows = await tx.query<{
          key_id: string;
          space_id: string;
          node_id: string;
          device_name: string;
        }>(SELECT_REVOKE_CANDIDATES, [spaceId ?? null, device]);
        const byNode = rows.filter((r) => r.node_id === device);
        const chosen = byNode.length > 0 ? byNode : rows;
        if (chosen.length === 0)
          throw new Refusal(
            new NetGuardianError(
              'NotFound',
              `no paired device has the node id or name ${JSON.stringify(device)} ${where}`,
              'device',
            ),
          );
        const nodes = [...new Set(chosen.map((r) => r.node_id))];
        if (nodes.length > 1) {
          const list = chosen.map((r) => `node ${r.node_id} in space ${r.space_id}`).join(', ');
          throw new Refusal(
            new NetGuardianError(
              'InvalidArgument',
              `${nodes.length} devices are named ${JSON.stringify(device)} ${where} (${list}): name one by its node id`,
              'device',
            ),
          );
        }
        for (const r of chosen) {
          await tx.query(REVOKE_KEY, [r.key_id, now]);
          await tx.query(NOTIFY_REVOKED, [HUB_REVOKED_CHANNEL, r.key_id]);
        }
        return chosen.map((r) => ({
          keyId: r.key_id,
          spaceId: r.space_id,
          nodeId: r.node_id,
          deviceName: r.device_name,
        }));
      });
      return ok(revoked);
    } catch (e) {
      if (e instanceof Refusal) return err(e.error);
      throw e;
    }
  }

  /** Chunk bytes the space holds and its quota (a space never counted holds 0, no quota). */
  async spaceUsage(spaceId: string): Promise<SpaceUsage> {
    checkSpaceId(spaceId);
    const rows = await this.client.query<{ chunk_bytes: unknown; quota_bytes: unknown }>(
      SELECT_USAGE,
      [spaceId],
    );
    const row = rows[0];
    return {
      spaceId,
      chunkBytes: row === undefined ? 0 : Number(row.chunk_bytes),
      quotaBytes: row === undefined || row.quota_bytes === null ? null : Number(row.quota_bytes),
    };
  }

  /** Sets (bytes) or lifts (null) the space's quota. Throws on invalid arguments. */
  async setQuota(spaceId: string, bytes: number | null): Promise<void> {
    checkSpaceId(spaceId);
    if (bytes !== null && (!Number.isSafeInteger(bytes) || bytes < 0))
      throw new NetGuardianError(
        'InvalidArgument',
        `a quota must be a whole number of bytes, 0 or more, got ${String(bytes)}`,
        'quotaBytes',
      );
    await this.client.query(UPSERT_QUOTA, [spaceId, bytes]);
  }
}

/** Why an invite could not be claimed: unknown, used, or expired. */
async function whyUnclaimed(
  tx: SqlExecutor,
  secretHash: string,
  now: string,
): Promise<NetGuardianError> {
  const rows = await tx.query<{ used_at: unknown; expires_at: unknown }>(SELECT_INVITE, [
    secretHash,
  ]);
  const row = rows[0];
  if (row === undefined)
    return refused('this invite is not known to the hub (check that it was copied whole)');
  if (row.used_at !== null)
    return refused(
      `this invite was already used on ${isoOrNull(row.used_at) ?? ''}: ask for a new one`,
    );
  const expiresAt = new Date(row.expires_at as string | Date);
  if (expiresAt.getTime() <= Date.parse(now))
    return refused(`this invite expired on ${expiresAt.toISOString()}: ask for a new one`);
  // Claimable after all (it cannot be: the claim ran in this transaction). A bug, not a refusal.
  throw new Error('invite neither claimed nor refused');
}

function alreadyPaired(
  nodeId: string,
  spaceId: string | undefined,
  deviceName: string | undefined,
): NetGuardianError {
  const space = spaceId === undefined ? "in the invite's space" : `in space ${spaceId}`;
  const as = deviceName === undefined ? '' : ` as "${deviceName}"`;
  return refused(
    `node id ${nodeId} is already paired ${space}${as}: revoke that device first (its data stays), then pair again`,
    'nodeId',
  );
}
