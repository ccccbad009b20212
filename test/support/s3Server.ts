/**
 * A throwaway S3-compatible server for tests: OpenStack Swift (Debian's packages) as one node with
 * one replica and its `s3api` middleware, plus the memcached its proxy needs, in a temp directory
 * on free 127.0.0.1 ports. The int and e2e tiers get one through globalS3.ts.
 *
 * How it runs (see shared/notes/s3-on-this-machine.md for the measured facts):
 * - `/usr/bin/python3 s3ServerLauncher.py swift ...` points Swift at the temp dir's swift.conf
 *   before anything reads it (Swift's own scripts always read /etc/swift/swift.conf, which Debian
 *   ships and which is not ours to change), imports Swift once and forks the four servers, each
 *   Swift's `run_wsgi` in the foreground (`workers = 0`: one process per server).
 * - The launcher asks the kernel to SIGKILL it when this Node process dies (PR_SET_PDEATHSIG),
 *   and each forked server when the launcher dies, so a test run that crashes leaves no server
 *   behind; memcached is exec'd from it after dropping root (memcached refuses root), so the same
 *   holds for memcached.
 * - The launcher builds the account, container and object rings before forking (one Python start
 *   instead of nine `swift-ring-builder` runs).
 * - Logs go over UDP to a socket of ours on 127.0.0.1 (there is no /dev/log here); the last lines
 *   and each process's output are kept to explain a failed start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreeLoopbackPort } from '../../src-main/core/freePort.js';

export interface S3Endpoint {
  /** `http://127.0.0.1:<port>`; use path-style addressing (`forcePathStyle: true`). */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

export interface S3Server extends S3Endpoint {
  /** The server's temp directory (removed by `stop`). */
  readonly dir: string;
  /** Stops every process it started (SIGTERM, then SIGKILL) and removes its directory. Safe twice. */
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  /** Prefix of the temp directory, so a leftover says whose it was. */
  readonly dirPrefix?: string;
  /** How long to wait for the servers to answer, per attempt (default 30 s). */
  readonly startTimeoutMs?: number;
}

const PYTHON = '/usr/bin/python3';
/** Runs the servers: see its header. */
const LAUNCHER = fileURLToPath(new URL('./s3ServerLauncher.py', import.meta.url));
/** What must be installed, and the Debian package that installs it. */
const REQUIRED: readonly (readonly [path: string, pkg: string])[] = [
  [PYTHON, 'python3'],
  ['/usr/lib/python3/dist-packages/swift/common/wsgi.py', 'swift'],
  ['/usr/bin/swift-proxy-server', 'swift-proxy'],
  ['/usr/bin/swift-account-server', 'swift-account'],
  ['/usr/bin/swift-container-server', 'swift-container'],
  ['/usr/bin/swift-object-server', 'swift-object'],
  ['/usr/bin/memcached', 'memcached'],
];
const PACKAGES = 'swift swift-proxy swift-object swift-container swift-account memcached';

const ACCOUNT = 'test';
const USER = 'tester';
const REGION = 'us-east-1';
const SERVERS = ['proxy', 'account', 'container', 'object', 'memcached'] as const;
type Server = (typeof SERVERS)[number];
const ATTEMPTS = 3;
const LOG_LINES = 60;
const STOP_GRACE_MS = 5_000;
const KILL_WAIT_MS = 3_000;

/** Starts the server; see the file comment. Throws a sentence when Swift is not installed. */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const missing = swiftMissing(existsSync);
  if (missing !== undefined) throw new Error(missing);
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
      // Only a port taken between probing and binding is worth another try.
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError;
}

/** Why the server can't start here (what is missing, the packages to install), or undefined. */
export function swiftMissing(exists: (path: string) => boolean): string | undefined {
  const missing = REQUIRED.filter(([path]) => !exists(path));
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
  return (
    `No S3-compatible test server can start: OpenStack Swift is not installed (missing ` +
    `${missing.map(([path]) => path).join(', ')}; Debian packages: ${packages}). Install ` +
    `them with 'apt-get install -y ${PACKAGES}' (as .ci/run does), or set S3_ENDPOINT, ` +
    `S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and S3_REGION to use another S3-compatible server.`
  );
}

class PortTakenError extends Error {}

/** The pid of the process that started the server in a directory, to find orphaned ones. */
const OWNER_FILE = 'owner.pid';

/**
 * Removes the directories of servers whose starter died without stopping them (SIGKILL): their
 * processes died with it (PR_SET_PDEATHSIG), their files stayed. A live owner's are left alone.
 */
async function removeOrphanedDirs(prefix: string): Promise<void> {
  const names = (await readdir(tmpdir())).filter((name) => name.startsWith(prefix));
  for (const name of names.slice(0, 100)) {
    const dir = join(tmpdir(), name);
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''));
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    await rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function startOnce(options: S3ServerOptions): Promise<S3Server> {
  const prefix = options.dirPrefix ?? 'netguardian-s3-';
  await removeOrphanedDirs(prefix);
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  const log = new RecentLines(LOG_LINES);
  const children: { name: string; child: ChildProcess }[] = [];
  let udp: Socket | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Reverse order: the proxy first, memcached last.
    await Promise.all(children.reverse().map(({ child }) => endProcess(child)));
    udp?.close();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    udp = await listenForLogs(log);
    const logPort = udp.address().port;
    const { proxyPort, accountPort, containerPort, objectPort, memcachedPort } = await freePorts();
    const secret = randomBytes(16).toString('hex');
    await mkdir(join(dir, 'srv', 'd1'), { recursive: true });
    await writeFile(
      join(dir, 'swift.conf'),
      [
        '[swift-hash]',
        `swift_hash_path_suffix = ${randomBytes(8).toString('hex')}`,
        `swift_hash_path_prefix = ${randomBytes(8).toString('hex')}`,
        '',
        '[storage-policy:0]',
        'name = Policy-0',
        'default = yes',
        '',
      ].join('\n'),
    );
    const common = (name: string, port: number): string[] => [
      '[DEFAULT]',
      `swift_dir = ${dir}`,
      `devices = ${join(dir, 'srv')}`,
      'mount_check = false',
      'bind_ip = 127.0.0.1',
      `bind_port = ${port}`,
      'workers = 0',
      `log_name = ${name}`,
      'log_level = WARNING',
      'log_udp_host = 127.0.0.1',
      `log_udp_port = ${logPort}`,
      'disable_fallocate = true',
      // A port taken between probing and binding fails fast (and the start is tried again).
      'bind_timeout = 3',
      '',
    ];
    const storageServer = async (kind: string, port: number): Promise<void> => {
      await writeFile(
        join(dir, `${kind}-server.conf`),
        [
          ...common(`${kind}-server`, port),
          '[pipeline:main]',
          `pipeline = ${kind}-server`,
          '',
          `[app:${kind}-server]`,
          `use = egg:swift#${kind}`,
          '',
        ].join('\n'),
      );
    };
    await storageServer('account', accountPort);
    await storageServer('container', containerPort);
    await storageServer('object', objectPort);
    await writeFile(
      join(dir, 'proxy-server.conf'),
      proxyConfig(common('proxy-server', proxyPort), secret, memcachedPort),
    );

    const launch = (name: string, args: string[]): void => {
      const child = spawn(PYTHON, [LAUNCHER, ...args], {
        cwd: dir,
        env: {
          ...process.env,
          NETGUARDIAN_S3_PARENT_PID: String(process.pid),
          // eventlet's own DNS resolver reads /etc/resolv.conf and waits on its server; only
          // 127.0.0.1 is used here.
          EVENTLET_NO_GREENDNS: 'yes',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push({ name, child });
      const keep = (chunk: Buffer): void => {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line !== '') log.add(`${name}: ${line}`);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('error', (error) => log.add(`${name}: ${error.message}`));
    };
    launch('memcached', [
      'exec',
      process.getuid?.() === 0 ? 'memcache' : '',
      '/usr/bin/memcached',
      '-l',
      '127.0.0.1',
      '-p',
      String(memcachedPort),
      '-U',
      '0',
      '-m',
      '64',
      '-t',
      '1',
    ]);
    launch('swift', ['swift', dir, `${accountPort},${containerPort},${objectPort}`]);

    const endpoint = `http://127.0.0.1:${proxyPort}`;
    await waitUntilHealthy({
      endpoint,
      ports: [memcachedPort, accountPort, containerPort, objectPort, proxyPort],
      user: `${ACCOUNT}:${USER}`,
      key: secret,
      children,
      deadline: Date.now() + (options.startTimeoutMs ?? 30_000),
    });
    return {
      dir,
      endpoint,
      accessKeyId: `${ACCOUNT}:${USER}`,
      secretAccessKey: secret,
      region: REGION,
      stop,
    };
  } catch (error) {
    await stop();
    const recent = log.lines().join('\n');
    if (/address already in use|could not bind/i.test(recent)) {
      throw new PortTakenError(`A port was taken while Swift started:\n${recent}`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The test S3 server (Swift) did not start: ${reason}\nIts last log lines:\n${recent}`,
      {
        cause: error,
      },
    );
  }
}

function proxyConfig(common: string[], secret: string, memcachedPort: number): string {
  // s3api before its auth (tempauth), copy for CopyObject, slo and dlo for multipart uploads;
  // the notes' other filters (bulk, tempurl, ratelimit, quotas, versioned_writes) serve no S3
  // call the hub makes and cost proxy CPU on every request.
  const filters = [
    'catch_errors',
    'gatekeeper',
    'healthcheck',
    'proxy-logging',
    'cache',
    'listing_formats',
    's3api',
    'tempauth',
    'copy',
    'slo',
    'dlo',
  ];
  const egg: Record<string, string> = {
    'proxy-logging': 'proxy_logging',
    cache: 'memcache',
  };
  const extra: Record<string, string[]> = {
    s3api: [`location = ${REGION}`],
    tempauth: [`user_${ACCOUNT}_${USER} = ${secret} .admin`],
    cache: [`memcache_servers = 127.0.0.1:${memcachedPort}`],
  };
  return [
    ...common,
    '[pipeline:main]',
    `pipeline = ${filters.join(' ')} proxy-logging proxy-server`,
    '',
    '[app:proxy-server]',
    'use = egg:swift#proxy',
    'account_autocreate = true',
    '',
    ...filters.flatMap((name) => [
      `[filter:${name}]`,
      `use = egg:swift#${egg[name] ?? name}`,
      ...(extra[name] ?? []),
      '',
    ]),
  ].join('\n');
}

interface HealthWait {
  readonly endpoint: string;
  readonly ports: readonly number[];
  readonly user: string;
  readonly key: string;
  readonly children: readonly { name: string; child: ChildProcess }[];
  readonly deadline: number;
}

/**
 * Healthy: every server's port accepts connections, and through the Swift API (tempauth, so
 * memcached holds the token) an object is written, read and deleted, which crosses the proxy and
 * the account, container and object servers.
 */
async function waitUntilHealthy(wait: HealthWait): Promise<void> {
  let lastProblem = 'nothing answered yet';
  while (Date.now() < wait.deadline) {
    const exited = wait.children.find(
      ({ child }) => child.exitCode !== null || child.signalCode !== null,
    );
    if (exited !== undefined) {
      throw new Error(
        `its ${exited.name} exited (${exited.child.exitCode ?? exited.child.signalCode}) while starting`,
      );
    }
    const problem = await probe(wait).catch((error: unknown) =>
      error instanceof Error ? error.message : String(error),
    );
    if (problem === undefined) return;
    lastProblem = problem;
    await delay(100);
  }
  throw new Error(`it was not healthy in time (last: ${lastProblem})`);
}

async function probe(wait: HealthWait): Promise<string | undefined> {
  for (const port of wait.ports) {
    if (!(await acceptsConnections(port))) return `nothing listens on 127.0.0.1:${port} yet`;
  }
  const timeout = (): AbortSignal => AbortSignal.timeout(5_000);
  const auth = await fetch(`${wait.endpoint}/auth/v1.0`, {
    headers: { 'X-Auth-User': wait.user, 'X-Auth-Key': wait.key },
    signal: timeout(),
  });
  await auth.arrayBuffer();
  const token = auth.headers.get('x-auth-token');
  const storage = auth.headers.get('x-storage-url');
  if (!auth.ok || token === null || storage === null) return `auth answered ${auth.status}`;
  const container = `${storage}/netguardian-probe`;
  const steps: [string, string, string?][] = [
    ['PUT', container],
    ['PUT', `${container}/probe`, 'ok'],
    ['GET', `${container}/probe`],
    ['DELETE', `${container}/probe`],
    ['DELETE', container],
  ];
  for (const [method, url, body] of steps) {
    const response = await fetch(url, {
      method,
      headers: { 'X-Auth-Token': token },
      ...(body === undefined ? {} : { body }),
      signal: timeout(),
    });
    const text = await response.text();
    if (!response.ok) return `${method} ${url} answered ${response.status}`;
    if (method === 'GET' && text !== 'ok') return `GET ${url} read '${text}'`;
  }
  return undefined;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function freePorts(): Promise<Record<`${Server}Port`, number>> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < SERVERS.length && tries < 50; tries++) {
    ports.add(await findFreeLoopbackPort());
  }
  const found = [...ports];
  const entries = SERVERS.map((server, i) => [`${server}Port`, found[i]] as const);
  if (entries.some(([, port]) => port === undefined))
    throw new Error('could not find free loopback ports');
  return Object.fromEntries(entries) as Record<`${Server}Port`, number>;
}

function listenForLogs(log: RecentLines): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.on('message', (message) =>
      log.add(
        message
          .toString('utf8')
          .replace(/^<\d+>/, '')
          .trim(),
      ),
    );
    socket.bind(0, '127.0.0.1', () => {
      socket.unref();
      resolve(socket);
    });
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone (bounded). */
async function endProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number): Promise<boolean> =>
    Promise.race([exited.then(() => true), delay(ms).then(() => false)]);
  child.kill('SIGTERM');
  if (await within(STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await within(KILL_WAIT_MS);
}

class RecentLines {
  private readonly kept: string[] = [];
  constructor(private readonly max: number) {}
  add(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.max) this.kept.shift();
  }
  lines(): readonly string[] {
    return this.kept;
  }
}
