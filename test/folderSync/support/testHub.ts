/**
 * A real hub for the end-to-end tests, as users run it: the sync service (HTTP/2 over TLS) in
 * front of a fresh PostgreSQL database, listening on loopback. Devices pair with invites and
 * never hold a database role. The hub's own connection (`database`) stands for a broken disk or
 * an admin restoring a backup (corrupted chunks, rows a device could never have sent), never for
 * a device.
 */
import { randomBytes } from 'node:crypto';
import type { HubServiceAccess } from '../../../src-main/core/device/hubAccess.js';
import { pairWithHub } from '../../../src-main/core/hubClient/pairing.js';
import { startHubService, type RunningHub } from '../../../src-main/core/hubService/hubRuntime.js';
import type { SqlClient } from '../../../src-main/core/store/sqlClient.js';
import { createFreshDatabase, type FreshDatabase } from '../../support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';

export interface ChunkStats {
  readonly rows: number;
  readonly bytes: number;
}

export class TestHub {
  /** Per test file, so spaces from parallel files never meet. */
  readonly tag = randomBytes(3).toString('hex');
  private spaces = 0;

  private constructor(
    private readonly db: FreshDatabase,
    private readonly dir: TempDir,
    readonly service: RunningHub,
  ) {}

  static async create(prefix: string): Promise<TestHub> {
    const db = await createFreshDatabase(prefix);
    const dir = await makeTempDir(`ng-hub-${prefix}-`);
    try {
      const service = await startHubService({
        dataDir: dir.path,
        listen: '127.0.0.1:0',
        databaseUrl: db.url,
      });
      return new TestHub(db, dir, service);
    } catch (e) {
      await db.drop();
      await dir.cleanup();
      throw e;
    }
  }

  /** The hub's own connection to its database: what a broken disk or a restore would change. */
  get database(): SqlClient {
    return this.service.database;
  }

  /** Where devices reach the service, and the certificate they pin. */
  get endpoint(): { address: string; fingerprint: string } {
    return {
      address: `127.0.0.1:${this.service.address.port}`,
      fingerprint: this.service.fingerprint,
    };
  }

  /** A space id not used before in this file. */
  newSpaceId(label: string): string {
    this.spaces += 1;
    return `${label}-${this.tag}-${this.spaces}`;
  }

  /**
   * Pairs device `nodeId` into `spaceId` with a fresh invite, as `hub invite` + `init --join`
   * do. A credential is for one space: a device in several spaces pairs once per space.
   */
  async pair(nodeId: string, deviceName: string, spaceId: string): Promise<HubServiceAccess> {
    const invite = await this.service.accounts.createInvite({ spaceId, expiresInMs: 60_000 });
    const paired = await pairWithHub({
      endpoint: this.endpoint,
      secret: invite.secret,
      nodeId,
      deviceName,
    });
    return { ...this.endpoint, credential: paired.credential };
  }

  async chunkStats(spaceId: string): Promise<ChunkStats> {
    const row = (
      await this.database.query<{ rows: number; bytes: number }>(
        `SELECT count(*)::int AS rows, coalesce(sum(octet_length(data)), 0)::float8 AS bytes
         FROM crdt_chunks WHERE space_id = $1`,
        [spaceId],
      )
    )[0];
    return { rows: row?.rows ?? 0, bytes: row?.bytes ?? 0 };
  }

  /** Flips every bit of the first byte of a stored chunk (same size, so the table's checks hold). */
  async corruptChunk(spaceId: string, hash: string): Promise<void> {
    const rows = await this.database.query(
      `UPDATE crdt_chunks SET data = set_byte(data, 0, get_byte(data, 0) # 255)
       WHERE space_id = $1 AND hash = $2 RETURNING hash`,
      [spaceId, hash],
    );
    if (rows.length !== 1) throw new Error(`no chunk ${hash} in space ${spaceId} to corrupt`);
  }

  /** Puts the right bytes back into a chunk (the admin restored it from a backup). */
  async repairChunk(spaceId: string, hash: string, data: Uint8Array): Promise<void> {
    const rows = await this.database.query(
      `UPDATE crdt_chunks SET data = $3 WHERE space_id = $1 AND hash = $2 RETURNING hash`,
      [spaceId, hash, Buffer.from(data)],
    );
    if (rows.length !== 1) throw new Error(`no chunk ${hash} in space ${spaceId} to repair`);
  }

  async close(): Promise<void> {
    try {
      await this.service.stop();
    } finally {
      await this.db.drop();
      await this.dir.cleanup();
    }
  }
}
