/**
 * One machine of the crash test: a device made with `netguardian init --join CODE` (folder, data
 * dir, its own PostgreSQL cluster inside the data dir, paired with the hub service) and the `netguardian start` daemon currently running it,
 * if any. A staging folder beside the synced one lets the test put files in place by rename, so a
 * file is either absent or complete in the folder.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CliProcess, printed, runCli } from './daemon.js';

/** A daemon prints this once its first scan and sync are done. */
export const WATCHING = printed('watching ');

export class Machine {
  /** The daemon running this device now, if any. */
  daemon: CliProcess | undefined;
  private starts = 0;

  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly folder: string,
    readonly dataDir: string,
    readonly staging: string,
    readonly nodeId: string,
    /** The script that runs the CLI (see `cliSnapshot.ts`). */
    readonly cli: string,
  ) {}

  /**
   * `netguardian init --join invite` of a device `name` in `dir` (which, like every folder above it, others
   * may enter: as root the device's PostgreSQL runs as `postgres`, and so keeps its cluster in
   * the data dir, where the test finds it and `makeTempDir` removes it).
   */
  static async init(invite: string, cli: string, dir: string, name: string): Promise<Machine> {
    const folder = path.join(dir, 'folder');
    const dataDir = path.join(dir, 'data');
    const staging = path.join(dir, 'staging');
    await mkdir(folder, { recursive: true });
    await mkdir(staging, { recursive: true });
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    const init = await runCli(
      `init ${name}`,
      cli,
      ['init', '--folder', folder, '--data', dataDir, '--name', name, '--join', invite],
      dir,
      120_000,
    );
    const said = init.find(printed('initialized '))?.text ?? '';
    const nodeId = /^initialized \S+ \((\S+)\)/.exec(said)?.[1];
    if (nodeId === undefined) throw new Error(`init ${name} named no node id:\n${init.tail()}`);
    return new Machine(name, dir, folder, dataDir, staging, nodeId, cli);
  }

  /** The cluster of the device's PostgreSQL server (kept in the data dir, see `init`). */
  get clusterDir(): string {
    return path.join(this.dataDir, 'postgres', 'pgdata');
  }

  /** Spawns `netguardian start`; the caller waits for what it needs. */
  start(): CliProcess {
    if (this.daemon?.running) throw new Error(`${this.name} is already running`);
    this.starts += 1;
    this.daemon = CliProcess.spawn(
      `${this.name}'s daemon #${this.starts}`,
      this.cli,
      ['start', '--data', this.dataDir],
      this.dir,
    );
    return this.daemon;
  }

  /** The running daemon (a bug in the test when there is none). */
  get running(): CliProcess {
    if (!this.daemon?.running) throw new Error(`${this.name} has no running daemon`);
    return this.daemon;
  }

  /** Stops the daemon cleanly (SIGTERM), which must exit 0. */
  async stop(): Promise<void> {
    const daemon = this.daemon;
    if (!daemon?.running) return;
    const code = await daemon.stop();
    if (code !== 0) throw new Error(`${daemon.label} exited ${code} on SIGTERM:\n${daemon.tail()}`);
  }
}
