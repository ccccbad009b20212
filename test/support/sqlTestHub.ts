/**
 * The older hub, for the one test that still runs it: a fresh PostgreSQL database prepared with
 * `initHub`, and device roles from `addDevice` (row-level security limits each to its spaces).
 * Used only where the older hub is tested as such (the app's `hub:test` of a PostgreSQL URL,
 * src-main/core/app/appService.hub.int.test.ts); tests of sync with a hub use the service
 * (`hub start` as a process: test/owner/support/hub.ts; in process:
 * test/folderSync/support/testHub.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  addDevice,
  initHub,
  removeDevice,
  type DeviceCredentials,
} from '../../src-main/core/hub/hubAdmin.js';
import { createFreshDatabase, type FreshDatabase } from './freshDatabase.js';

export class SqlTestHub {
  private readonly roles: string[] = [];
  /** Per test file, so spaces and device roles from parallel files never meet. */
  readonly tag = randomBytes(3).toString('hex');
  private spaces = 0;

  private constructor(private readonly db: FreshDatabase) {}

  static async create(prefix: string): Promise<SqlTestHub> {
    const db = await createFreshDatabase(prefix);
    try {
      await initHub(db.url);
      return new SqlTestHub(db);
    } catch (e) {
      await db.drop();
      throw e;
    }
  }

  /** The admin connection string (a superuser: row-level security does not apply). */
  get url(): string {
    return this.db.url;
  }

  /** A space id not used before in this file. */
  newSpaceId(label: string): string {
    this.spaces += 1;
    return `${label}-${this.tag}-${this.spaces}`;
  }

  /** A new device role, member of `spaceId` only. */
  async addDevice(deviceName: string, spaceId: string): Promise<DeviceCredentials> {
    const creds = await addDevice(this.url, { deviceName, spaceId });
    this.roles.push(creds.role);
    return creds;
  }

  async close(): Promise<void> {
    try {
      // Roles are server-wide: drop ours before the database goes.
      for (const role of this.roles) await removeDevice(this.url, { role });
    } finally {
      await this.db.drop();
    }
  }
}
