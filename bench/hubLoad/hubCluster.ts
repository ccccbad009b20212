/**
 * The hub side of the load test: one PostgreSQL database on the bench's own throwaway server and
 * one or more `netguardian hub start` child processes on it (bench/folder/hubProcess.ts), each on
 * its own loopback port, and the devices paired to them with invites (20 spaces x 5 devices in
 * the full run). Each device is paired through, and later talks to, one process: the devices of
 * a space are dealt round the processes, so a change crosses processes on its way to most of its
 * space's other devices.
 *
 * Until the hub processes share one identity, each process has its own data dir and so its own
 * certificate; a device pins the fingerprint of the process it talks to (hub-service.json), as a
 * device that joined with that process's invite would. Credentials live in the database, so any
 * process accepts any device's.
 *
 * Invites are made with HubAccounts on the hub's database (what `hub invite` does through the
 * admin socket, without a CLI process per device); pairing is the real exchange over TLS.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import path from 'node:path';
import { pairWithHub } from '../../src-main/core/hubClient/pairing.js';
import { HubAccounts } from '../../src-main/core/hubService/hubAccounts.js';
import { SERVICE_FILE } from '../../src-main/core/hubService/hubRuntime.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import type { SqlClient } from '../../src-main/core/store/sqlClient.js';
import { HubProcess } from '../folder/hubProcess.js';
import { processMemory, processTree } from '../folder/processMemory.js';
import type { ScratchDirs } from '../folder/scratchDirs.js';
import type { BenchDatabase, PgServer } from '../support/postgres.js';
import type { DeviceLink } from './simDevice.js';
import { cpuOf, machineBusySeconds, treeCpu, treeMemory } from './usage.js';

const INVITE_LIFETIME_MS = 30 * 60_000;
/** Pairings under way at once (the hub lets only a few unauthenticated connections wait). */
const PAIRING_CONCURRENCY = 8;
const PAIRING_ATTEMPTS = 3;

export interface HubEndpointInfo {
  readonly address: string;
  readonly fingerprint: string;
  readonly pid: number;
}

/** CPU seconds so far of each part (hub processes, PostgreSQL, this process). */
export interface CpuReading {
  readonly hubs: readonly number[];
  readonly postgres: number;
  readonly generator: number;
  /** The whole machine (these and everything else running). */
  readonly machine: number;
  /** performance.now() when read. */
  readonly at: number;
}

export class HubCluster {
  private accountsClient: SqlClient | undefined;

  private constructor(
    private readonly db: BenchDatabase,
    private readonly hubs: HubProcess[],
    readonly endpoints: readonly HubEndpointInfo[],
    private readonly postmasterPid: number,
  ) {}

  /** A fresh database and `processes` hub processes on it, each listening on loopback. */
  static async start(options: {
    readonly server: PgServer;
    readonly processes: number;
    readonly scratch: ScratchDirs;
  }): Promise<HubCluster> {
    const db = await options.server.createDatabase('ng_bench_hub_load');
    const hubs: HubProcess[] = [];
    try {
      // One at a time: the first migrates the database, the others find it done.
      for (let i = 0; i < options.processes; i++)
        hubs.push(
          await HubProcess.start({
            dir: await options.scratch.make(`ng-bench-hub-load-${i}-`),
            databaseUrl: db.url,
          }),
        );
      const endpoints: HubEndpointInfo[] = [];
      for (const hub of hubs) {
        const record = JSON.parse(await readFile(path.join(hub.dataDir, SERVICE_FILE), 'utf8')) as {
          fingerprint: string;
          port: number;
          pid: number;
        };
        endpoints.push({
          address: `127.0.0.1:${record.port}`,
          fingerprint: record.fingerprint,
          pid: hub.pid,
        });
      }
      const cluster = new HubCluster(db, hubs, endpoints, await postmasterOf(db.url));
      return cluster;
    } catch (e) {
      for (const hub of hubs) await hub.close();
      await db.drop();
      throw e;
    }
  }

  /**
   * Pairs `spaces` x `perSpace` devices: device d of space s joins process d mod processes with
   * an invite of its space. Returns the links in space order.
   */
  async pairDevices(spaces: number, perSpace: number): Promise<DeviceLink[]> {
    this.accountsClient ??= await openPgClient({
      connectionString: this.db.url,
      applicationName: 'netguardian-bench',
      maxConnections: 2,
    });
    const accounts = new HubAccounts(this.accountsClient);
    const wanted: { spaceId: string; nodeId: string; name: string; hub: HubEndpointInfo }[] = [];
    for (let s = 0; s < spaces; s++)
      for (let d = 0; d < perSpace; d++) {
        const hub = this.endpoints[d % this.endpoints.length] as HubEndpointInfo;
        const spaceId = `load-space-${String(s + 1).padStart(2, '0')}`;
        const name = `${spaceId}-device-${d + 1}`;
        wanted.push({ spaceId, nodeId: `node-${s + 1}-${d + 1}`, name, hub });
      }
    const links: DeviceLink[] = new Array<DeviceLink>(wanted.length);
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        const i = next++;
        const w = wanted[i] as (typeof wanted)[number];
        const endpoint = { address: w.hub.address, fingerprint: w.hub.fingerprint };
        // A connection cut under load is tried again with a new invite (the first may be spent).
        let paired: Awaited<ReturnType<typeof pairWithHub>> | undefined;
        for (let attempt = 1; !paired; attempt++) {
          const invite = await accounts.createInvite({
            spaceId: w.spaceId,
            expiresInMs: INVITE_LIFETIME_MS,
          });
          try {
            paired = await pairWithHub({
              endpoint,
              secret: invite.secret,
              nodeId: w.nodeId,
              deviceName: w.name,
            });
          } catch (e) {
            if (attempt >= PAIRING_ATTEMPTS || (e as { code?: unknown }).code !== 'ECONNRESET')
              throw new Error(
                `pairing ${w.name} with the hub at ${w.hub.address} failed: ${e instanceof Error ? e.message : String(e)}`,
                { cause: e },
              );
          }
        }
        links[i] = {
          name: w.name,
          nodeId: w.nodeId,
          spaceId: paired.spaceId,
          ...endpoint,
          credential: paired.credential,
        };
      }
    };
    await Promise.all(Array.from({ length: PAIRING_CONCURRENCY }, worker));
    return links;
  }

  async cpu(): Promise<CpuReading> {
    const hubs: number[] = [];
    for (const e of this.endpoints) hubs.push(await cpuOf(e.pid));
    const postgres = await treeCpu(this.postmasterPid);
    const own = process.cpuUsage();
    return {
      hubs,
      postgres,
      generator: (own.user + own.system) / 1e6,
      machine: await machineBusySeconds(),
      at: performance.now(),
    };
  }

  /** Resident set of each hub process and PSS of the PostgreSQL server now, bytes. */
  async memory(): Promise<{ hubs: number[]; hubPeaks: number[]; postgres: number }> {
    const hubs: number[] = [];
    const hubPeaks: number[] = [];
    for (const e of this.endpoints) {
      const m = await processMemory(e.pid);
      hubs.push(m.rss);
      hubPeaks.push(m.peakRss);
    }
    return { hubs, hubPeaks, postgres: await treeMemory(this.postmasterPid) };
  }

  /**
   * Gives the generator's main thread, the hub processes and PostgreSQL's processes (and so the
   * backends it starts later) the nice value `nice`.
   */
  async renice(nice: number): Promise<void> {
    // With the kernel's autogroups, a nice value only weighs inside the session's group: a
    // bench started with `setsid` (its own session, so its own group holding only the bench, its
    // hub processes and its PostgreSQL) and NETGUARDIAN_BENCH_AUTOGROUP=1 gives its group the
    // same value (without setsid that would be the group of the shell it was started from).
    if (process.env['NETGUARDIAN_BENCH_AUTOGROUP'] === '1')
      await writeFile('/proc/self/autogroup', String(nice));
    setPriority(process.pid, nice);
    for (const e of this.endpoints) setPriority(e.pid, nice);
    for (const pid of await processTree(this.postmasterPid)) {
      try {
        setPriority(pid, nice);
      } catch {
        // ended meanwhile
      }
    }
  }

  /** Hub processes stopped with SIGTERM, the database dropped. */
  async close(): Promise<void> {
    await this.accountsClient?.close().catch(() => undefined);
    for (const hub of this.hubs) await hub.close();
    await this.db.drop();
  }
}

/** The PostgreSQL server's postmaster: the parent of this connection's backend. */
async function postmasterOf(url: string): Promise<number> {
  const client = await openPgClient({ connectionString: url, maxConnections: 1 });
  try {
    const rows = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = rows[0]?.pid;
    if (backend === undefined) throw new Error('PostgreSQL did not say its backend pid');
    const stat = await readFile(`/proc/${backend}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(parent) || parent <= 1)
      throw new Error(`no postmaster above backend ${backend} (is PostgreSQL on this machine?)`);
    return parent;
  } finally {
    await client.close();
  }
}
