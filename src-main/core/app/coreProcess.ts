/**
 * The entry a child process runs to host the core: Electron's utilityProcess
 * (messages on `process.parentPort`) or node's child_process.fork (messages on
 * `process.on('message')`). Started as a program, never imported:
 *
 *   utilityProcess.fork('coreProcess.js', ['--data', dataDir])
 *   fork('coreProcess.ts', ['--data', dataDir], { execArgv: ['--import', 'tsx'] })
 *
 * The data directory comes from `--data` or NETGUARDIAN_DATA (read here, at the
 * edge). Requests that arrive while the device opens are answered once it is
 * open. The process exits after the client's `close()` (a shutdown message),
 * when the parent goes away, or on SIGTERM/SIGINT, closing the device first.
 */
import { defaultDataDir } from '../defaultDataDir.js';
import { ownSignals } from '../hub/embeddedPostgres.js';
import { createRootLogger } from '../log.js';
import type { AppService } from './appService.js';
import { openDeviceOwner, type DeviceOwner } from './deviceOwner.js';
import { serveCoreOverPort, type PortLike } from './corePort.js';
import { hubFromConfig } from './deviceHost.js';

/** Electron's `process.parentPort` in a utility process (not in @types/node). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off?(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/**
 * Messages that arrive before the core listens are kept, not lost (a fork's
 * 'message' events are not buffered by node).
 */
function bufferedPort(
  subscribe: (deliver: (message: unknown) => void) => void,
  post: (message: unknown) => void,
): PortLike {
  const early: unknown[] = [];
  const listeners = new Set<(message: unknown) => void>();
  subscribe((message) => {
    if (listeners.size === 0) early.push(message);
    for (const listener of listeners) listener(message);
  });
  return {
    postMessage: post,
    onMessage(listener) {
      listeners.add(listener);
      for (const message of early.splice(0)) listener(message);
      return () => listeners.delete(listener);
    },
  };
}

export function portOfThisProcess(): PortLike | undefined {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort)
    return bufferedPort(
      (deliver) => parentPort.on('message', (event) => deliver(event.data)),
      (message) => parentPort.postMessage(message),
    );
  if (process.send)
    return bufferedPort(
      (deliver) => process.on('message', deliver),
      (message) => {
        if (process.connected) process.send?.(message);
      },
    );
  return undefined;
}

function dataDirFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const at = argv.indexOf('--data');
  const given = at >= 0 ? argv[at + 1] : undefined;
  return given ?? env['NETGUARDIAN_DATA'] ?? defaultDataDir();
}

async function main(): Promise<void> {
  const port = portOfThisProcess();
  if (!port) {
    process.stderr.write('coreProcess: run me with utilityProcess.fork or child_process.fork\n');
    process.exitCode = 2;
    return;
  }
  const env = process.env;
  const log = createRootLogger({
    level: env['NETGUARDIAN_LOG'] ?? 'warn',
    format: env['NETGUARDIAN_LOG_FORMAT'] === 'json' ? 'json' : 'text',
  });
  const dataDir = dataDirFromArgs(process.argv.slice(2), env);
  let owner: DeviceOwner | undefined;
  let stopping = false;
  const shutdown = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    stopServing();
    await owner?.close().catch(() => undefined);
    process.exit(code);
  };
  // This process owns the device (lock, server, store) for the desktop app: a `netguardian start`
  // on the same data dir is refused, and CLI commands talk to this process.
  const opening = (async (): Promise<AppService> => {
    owner = await openDeviceOwner({
      dataDir,
      command: 'NetGuardian (desktop app)',
      resolveHub: hubFromConfig,
      log,
    });
    return owner.service;
  })();
  const stopServing = serveCoreOverPort(port, opening, { onShutdown: () => void shutdown() });
  ownSignals();
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  process.once('disconnect', () => void shutdown());
  try {
    const opened = await opening;
    await opened.start();
  } catch (e) {
    // Requests are answered with the failure (serveCoreOverPort); the parent decides what to do.
    log.error({ error: (e as Error).message }, 'the core could not start');
  }
}

void main();
