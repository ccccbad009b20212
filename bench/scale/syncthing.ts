/**
 * Syncthing as the scale section runs it beside NetGuardian: Debian's package (installed with
 * apt-get when missing), two instances on this machine, each with its own home under a scratch
 * dir, talking over 127.0.0.1 only. `syncthing generate` makes each home (key, certificate, a
 * config.xml); the bench then rewrites config.xml: the shared folder, both devices at their fixed
 * loopback listen addresses, the GUI/REST on a fixed loopback port with the generated API key,
 * and everything that would reach outside off (global and local discovery, relays, NAT/UPnP,
 * usage and crash reporting, upgrades). Two settings differ from a fresh install, both for a fair
 * comparison: `setLowPriority` is off (by default Syncthing lowers its own CPU and I/O priority;
 * the NetGuardian daemons run at normal priority) and the browser is not opened.
 *
 * Syncthing 1.19's `serve` runs as two processes even with `--no-restart`: a monitor and the
 * instance it started; the bench counts both (a group is a root pid and its descendants).
 *
 * Completion and idleness come from the REST API (`/rest/db/status`: state "idle", needFiles 0).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findFreeLoopbackPort } from '../../src-main/core/freePort.js';
import { pollUntil } from '../folder/waits.js';

export const FOLDER_ID = 'bench';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;

/** Syncthing's version line; installs Debian's package first when `syncthing` is missing. */
export function ensureSyncthing(log: (m: string) => void): string {
  const version = () => spawnSync('syncthing', ['--version'], { encoding: 'utf8' });
  let v = version();
  if (v.error) {
    log('syncthing is missing: apt-get install -y syncthing');
    const install = spawnSync('apt-get', ['install', '-y', 'syncthing'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
    if (install.status !== 0)
      throw new Error(
        `could not install Syncthing (apt-get install -y syncthing exited ${install.status}; as root, run apt-get update first):\n${(install.stderr ?? '').slice(-2000)}`,
      );
    v = version();
  }
  if (v.status !== 0) throw new Error(`syncthing --version exited ${v.status}: ${v.stderr}`);
  return v.stdout.trim();
}

/** What `/rest/db/status` says of a folder (the fields the bench reads). */
export interface FolderStatus {
  readonly state: string;
  readonly needFiles: number;
  readonly needTotalItems: number;
  readonly localFiles: number;
  readonly globalFiles: number;
  readonly errors: number;
  readonly pullErrors: number;
}

export class SyncthingInstance {
  private child: ChildProcess | undefined;
  private out = '';

  private constructor(
    readonly name: string,
    readonly home: string,
    readonly folder: string,
    readonly deviceId: string,
    readonly apiKey: string,
    readonly configVersion: string,
    readonly guiPort: number,
    readonly listenPort: number,
  ) {}

  /** `syncthing generate` into `<dir>/home`; the folder is `<dir>/root` (with its .stfolder marker). */
  static async generate(dir: string, name: string): Promise<SyncthingInstance> {
    const home = path.join(dir, 'home');
    const folder = path.join(dir, 'root');
    await mkdir(path.join(folder, '.stfolder'), { recursive: true });
    const gen = spawnSync(
      'syncthing',
      ['generate', '--home', home, '--no-default-folder', '--skip-port-probing'],
      { encoding: 'utf8', env: syncthingEnv(dir), timeout: 60_000 },
    );
    if (gen.status !== 0) throw new Error(`syncthing generate exited ${gen.status}: ${gen.stderr}`);
    const config = await readFile(path.join(home, 'config.xml'), 'utf8');
    const deviceId = /<device id="([A-Z0-9-]+)"/.exec(config)?.[1];
    const apiKey = /<apikey>([^<]+)<\/apikey>/.exec(config)?.[1];
    const version = /<configuration version="(\d+)"/.exec(config)?.[1];
    if (!deviceId || !apiKey || !version)
      throw new Error(`no device id, API key or version in ${home}/config.xml`);
    return new SyncthingInstance(
      name,
      home,
      folder,
      deviceId,
      apiKey,
      version,
      await findFreeLoopbackPort(),
      await findFreeLoopbackPort(),
    );
  }

  /** Its database: `index-*.db` in its home (the rest of the home is its key and config). */
  async databaseDir(): Promise<string> {
    const db = (await readdir(this.home)).find((n) => n.startsWith('index-') && n.endsWith('.db'));
    if (!db) throw new Error(`no index database in ${this.home}`);
    return path.join(this.home, db);
  }

  /** Writes config.xml: this device and `peer`, the folder shared between them, loopback only. */
  async configure(peer: SyncthingInstance): Promise<void> {
    const device = (d: SyncthingInstance) =>
      `<device id="${d.deviceId}" name="${d.name}" compression="metadata" introducer="false"><address>tcp://127.0.0.1:${d.listenPort}</address><autoAcceptFolders>false</autoAcceptFolders></device>`;
    const xml = `<configuration version="${this.configVersion}">
  <folder id="${FOLDER_ID}" label="${FOLDER_ID}" path="${this.folder}" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="true" fsWatcherDelayS="10" ignorePerms="false" autoNormalize="true">
    <filesystemType>basic</filesystemType>
    <device id="${this.deviceId}"></device>
    <device id="${peer.deviceId}"></device>
    <markerName>.stfolder</markerName>
  </folder>
  ${device(this)}
  ${device(peer)}
  <gui enabled="true" tls="false" debugging="false">
    <address>127.0.0.1:${this.guiPort}</address>
    <apikey>${this.apiKey}</apikey>
  </gui>
  <options>
    <listenAddress>tcp://127.0.0.1:${this.listenPort}</listenAddress>
    <globalAnnounceEnabled>false</globalAnnounceEnabled>
    <localAnnounceEnabled>false</localAnnounceEnabled>
    <relaysEnabled>false</relaysEnabled>
    <natEnabled>false</natEnabled>
    <urAccepted>-1</urAccepted>
    <crashReportingEnabled>false</crashReportingEnabled>
    <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
    <startBrowser>false</startBrowser>
    <setLowPriority>false</setLowPriority>
  </options>
</configuration>
`;
    await writeFile(path.join(this.home, 'config.xml'), xml);
  }

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error(`Syncthing ${this.name} is not running`);
    return pid;
  }

  /** `syncthing serve` (no monitor process, no browser, no upgrades); resolves once REST answers. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`Syncthing ${this.name} is running`);
    const child = spawn(
      'syncthing',
      ['serve', '--home', this.home, '--no-browser', '--no-restart', '--no-upgrade'],
      { env: syncthingEnv(path.dirname(this.home)), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const take = (b: Buffer) => {
      this.out += b.toString('utf8');
      if (this.out.length > 64 * 1024) this.out = this.out.slice(-32 * 1024);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    await pollUntil(
      `Syncthing ${this.name}'s REST API`,
      async () => {
        this.assertRunning();
        try {
          return (await this.get<{ ping?: string }>('/rest/system/ping')).ping === 'pong'
            ? true
            : undefined;
        } catch {
          return undefined; // not listening yet
        }
      },
      { everyMs: 50, timeoutMs: START_TIMEOUT_MS },
    );
  }

  /** Throws, with its last output, if the process has exited. */
  assertRunning(): void {
    const code = this.child?.exitCode;
    if (this.child === undefined || (code !== null && code !== undefined))
      throw new Error(`Syncthing ${this.name} exited ${code}:\n${this.out.slice(-2000)}`);
  }

  async get<T>(route: string): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${this.guiPort}${route}`, {
      headers: { 'X-API-Key': this.apiKey },
      signal: AbortSignal.timeout(600_000),
    });
    if (!res.ok) throw new Error(`Syncthing ${this.name}: GET ${route}: ${res.status}`);
    return (await res.json()) as T;
  }

  async post(route: string): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.guiPort}${route}`, {
      method: 'POST',
      headers: { 'X-API-Key': this.apiKey },
      signal: AbortSignal.timeout(600_000),
    });
    if (!res.ok)
      throw new Error(`Syncthing ${this.name}: POST ${route}: ${res.status} ${await res.text()}`);
  }

  folderStatus(): Promise<FolderStatus> {
    return this.get<FolderStatus>(`/rest/db/status?folder=${FOLDER_ID}`);
  }

  /** True when it is connected to `peer`. */
  async connectedTo(peer: SyncthingInstance): Promise<boolean> {
    const c = await this.get<{ connections: Record<string, { connected: boolean }> }>(
      '/rest/system/connections',
    );
    return c.connections[peer.deviceId]?.connected === true;
  }

  /** Until the folder is idle with nothing needed (after a scan, or with the peer's index in). */
  async untilIdle(timeoutMs: number): Promise<FolderStatus> {
    return pollUntil(
      `Syncthing ${this.name}'s folder to be idle`,
      async () => {
        this.assertRunning();
        const s = await this.folderStatus();
        return s.state === 'idle' && s.needTotalItems === 0 ? s : undefined;
      },
      { everyMs: 100, timeoutMs },
    );
  }

  /** `POST /rest/db/scan` (it returns when the scan is done), then until idle. Wall time, ms. */
  async timeRescan(): Promise<number> {
    const t0 = performance.now();
    await this.post(`/rest/db/scan?folder=${FOLDER_ID}`);
    await this.untilIdle(600_000);
    return performance.now() - t0;
  }

  /** SIGTERM (Syncthing closes its database and exits); SIGKILL past the bound. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/** The environment of a Syncthing process: no monitor, no upgrades, no default folder. */
function syncthingEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    STNORESTART: '1',
    STNOUPGRADE: '1',
    STNODEFAULTFOLDER: '1',
  };
}

/** Two instances that know each other, the folder shared; neither started. */
export async function syncthingPair(
  dirA: string,
  dirB: string,
): Promise<{ a: SyncthingInstance; b: SyncthingInstance }> {
  const a = await SyncthingInstance.generate(dirA, 'st-a');
  const b = await SyncthingInstance.generate(dirB, 'st-b');
  await a.configure(b);
  await b.configure(a);
  return { a, b };
}
