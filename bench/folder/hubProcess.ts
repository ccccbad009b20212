/**
 * The hub as a user runs it: `netguardian hub start` as a child process (bin/netguardian.mjs,
 * like the daemons), on a fixed loopback port, over a given PostgreSQL database or its own
 * embedded server. Devices join it as a user adds one: `netguardian hub invite` prints a code,
 * `netguardian init --join CODE` pairs the device. Being its own process, its memory (VmHWM,
 * VmRSS) and CPU time can be read from /proc. It can be stopped and started again on the same
 * port and data dir (same certificate), as (f) needs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findFreeLoopbackPort } from '../../src-main/core/freePort.js';
import { SERVICE_FILE } from '../../src-main/core/hubService/hubRuntime.js';
import { runCli, stop, type Child, type DaemonHub } from './daemon.js';
import { processMemory, type ProcessMemory } from './processMemory.js';
import { cpuSeconds } from './processCpu.js';
import { pollUntil } from './waits.js';

/** The hub process's resources when read. */
export interface HubUsage {
  readonly memory: ProcessMemory;
  /** User + system CPU seconds since it started. */
  readonly cpuSeconds: number;
}

const START_TIMEOUT_MS = 180_000;
const INVITE_TIMEOUT_MS = 60_000;
const INVITE_CODE = /^(ng1-\S+)$/m;

export class HubProcess implements DaemonHub {
  private child: Child | undefined;
  /** Exit codes of the runs stopped so far. */
  readonly exitCodes: (number | null)[] = [];

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly databaseUrl: string | undefined,
  ) {}

  /** `hub start` in `dir` (its data dir `dir/hub`); resolves once the service listens. */
  static async start(options: {
    readonly dir: string;
    /** A database for the hub; none: the hub runs its own embedded PostgreSQL in its data dir. */
    readonly databaseUrl?: string;
  }): Promise<HubProcess> {
    const hub = new HubProcess(options.dir, await findFreeLoopbackPort(), options.databaseUrl);
    await hub.restart();
    return hub;
  }

  get dataDir(): string {
    return path.join(this.dir, 'hub');
  }

  get pid(): number {
    const pid = this.child?.process.pid;
    if (pid === undefined) throw new Error('the hub process is not running');
    return pid;
  }

  get up(): boolean {
    return this.child !== undefined;
  }

  /** Starts `hub start` (again) on the same port and data dir; resolves once it listens. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('the hub process is running');
    const child = runCli(
      [
        'hub',
        'start',
        '--data',
        this.dataDir,
        '--listen',
        `127.0.0.1:${this.port}`,
        ...(this.databaseUrl ? ['--database-url', this.databaseUrl] : []),
      ],
      this.dir,
    );
    this.child = child;
    try {
      // hub-service.json names the pid that wrote it: a file left by an earlier run is not ours.
      await pollUntil(
        'the hub process to listen',
        async () => {
          if (child.process.exitCode !== null)
            throw new Error(
              `netguardian hub start exited ${child.process.exitCode}:\n${child.output().slice(-2000)}`,
            );
          return (await this.servicePid()) === child.process.pid ? true : undefined;
        },
        { everyMs: 50, timeoutMs: START_TIMEOUT_MS },
      );
    } catch (e) {
      child.process.kill('SIGKILL');
      this.child = undefined;
      throw e;
    }
  }

  private async servicePid(): Promise<number | undefined> {
    try {
      const record = JSON.parse(await readFile(path.join(this.dataDir, SERVICE_FILE), 'utf8')) as {
        pid?: unknown;
      };
      return typeof record.pid === 'number' ? record.pid : undefined;
    } catch {
      return undefined; // not written yet, or being written
    }
  }

  /** `hub invite --space`: a one-time code for a new device of `spaceId`. */
  async invite(spaceId: string): Promise<string> {
    const child = runCli(['hub', 'invite', '--data', this.dataDir, '--space', spaceId], this.dir);
    const code = await Promise.race([
      child.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), INVITE_TIMEOUT_MS).unref()),
    ]);
    if (code === 'timeout') child.process.kill('SIGKILL');
    const match = INVITE_CODE.exec(child.output());
    if (code !== 0 || !match?.[1])
      throw new Error(
        `netguardian hub invite exited ${String(code)}:\n${child.output().slice(-2000)}`,
      );
    return match[1];
  }

  async initArgs(_deviceName: string, spaceId: string): Promise<string[]> {
    return ['--join', await this.invite(spaceId)];
  }

  /** Memory and CPU time of the hub process now (its embedded PostgreSQL, if any, apart). */
  async usage(): Promise<HubUsage> {
    const pid = this.pid;
    return { memory: await processMemory(pid), cpuSeconds: await cpuSeconds(pid) };
  }

  /** SIGTERM; resolves with its exit code once it has exited (its connections are cut). */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child) throw new Error('the hub process is not running');
    this.child = undefined;
    const code = await stop(child, 'the hub process');
    this.exitCodes.push(code);
    return code;
  }

  /** Stops it if it runs; a hub that will not stop is killed. */
  async close(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    try {
      await this.stop();
    } catch {
      child.process.kill('SIGKILL');
    }
  }
}
