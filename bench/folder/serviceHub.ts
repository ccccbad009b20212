/**
 * The hub as the sync service, in this process (for the in-process folder scenarios): the
 * service of `netguardian hub start` (`startHubService`) on a fresh database of the bench's
 * PostgreSQL server, listening on a free loopback port. A device is registered as a user adds
 * one: an invite for its space, redeemed by pairing (the hub's certificate pinned by the
 * fingerprint the invite carries); it gets a credential, never a database role. Devices dial the
 * service through a `WireCounter`.
 */
import { pairWithHub } from '../../src-main/core/hubClient/pairing.js';
import { startHubService, type RunningHub } from '../../src-main/core/hubService/hubRuntime.js';
import type { BenchDatabase, PgServer } from '../support/postgres.js';
import {
  chunkStatsOf,
  type ChunkStats,
  type DeviceHubLink,
  type DeviceRegistry,
  type NewDevice,
} from './hub.js';
import type { ScratchDirs } from './scratchDirs.js';
import { WireCounter, type WireBytes } from './wireCounter.js';

const INVITE_LIFETIME_MS = 10 * 60_000;

export class ServiceHub implements DeviceRegistry {
  readonly variant = 'service';

  private constructor(
    private readonly db: BenchDatabase,
    readonly running: RunningHub,
    private readonly counter: WireCounter,
  ) {}

  static async start(server: PgServer, scratch: ScratchDirs): Promise<ServiceHub> {
    const db = await server.createDatabase('ng_bench_folder_service');
    try {
      const running = await startHubService({
        dataDir: await scratch.make('ng-bench-service-hub-'),
        listen: '127.0.0.1:0',
        databaseUrl: db.url,
      });
      try {
        const counter = await WireCounter.start({ host: '127.0.0.1', port: running.address.port });
        return new ServiceHub(db, running, counter);
      } catch (e) {
        await running.stop();
        throw e;
      }
    } catch (e) {
      await db.drop();
      throw e;
    }
  }

  /** host:port devices dial: the wire counter in front of the service. */
  get address(): string {
    return `127.0.0.1:${this.counter.port}`;
  }

  async register(device: NewDevice): Promise<DeviceHubLink> {
    const invite = await this.running.accounts.createInvite({
      spaceId: device.spaceId,
      expiresInMs: INVITE_LIFETIME_MS,
    });
    const endpoint = { address: this.address, fingerprint: this.running.fingerprint };
    const paired = await pairWithHub({
      endpoint,
      secret: invite.secret,
      nodeId: device.nodeId,
      deviceName: device.name,
    });
    return { hubService: { ...endpoint, credential: paired.credential } };
  }

  chunkStats(spaceId: string): Promise<ChunkStats> {
    return chunkStatsOf(this.running.database, spaceId);
  }

  wire(): WireBytes {
    return this.counter.bytes();
  }

  async close(): Promise<void> {
    try {
      await this.counter.close();
      await this.running.stop();
    } finally {
      await this.db.drop();
    }
  }
}
