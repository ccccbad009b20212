import type { ShellLog } from './shellLog.js';

/** What `connectCoreOverPort` (src-main/core/app/corePort.ts) talks over. */
export interface PortLike {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

/** The parts of Electron's UtilityProcess the host uses. */
export interface UtilityChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  kill(): boolean;
}

export interface UtilityProcessApi<C extends UtilityChild> {
  fork(
    modulePath: string,
    args: string[],
    options: { serviceName: string; stdio: 'inherit' | 'pipe' | 'ignore' },
  ): C;
}

/** The arguments coreProcess.ts reads (see src-main/core/app/coreProcess.ts). */
export const coreArgs = (dataDir: string): string[] => ['--data', dataDir];

/**
 * The main side of the utility process's `process.parentPort`: messages posted on the child
 * object arrive on its parentPort and back. Structured clone carries them, so the core's
 * messages need no JSON step.
 */
export function portOfChild(child: UtilityChild): PortLike {
  return {
    postMessage: (message) => child.postMessage(message),
    onMessage(listener) {
      const forward = (message: unknown) => listener(message);
      child.on('message', forward);
      return () => {
        child.off('message', forward);
      };
    },
  };
}

export interface CoreHost<C> {
  readonly child: C;
  readonly port: PortLike;
  /** Resolves with the exit code; 'stopped' when it exits after `shutdown`. */
  readonly exited: Promise<number | 'stopped'>;
  /**
   * Asks the core to finish (`close` sends the client's shutdown message, so it closes PGlite
   * and exits), and kills it if it has not exited after `graceMs`.
   */
  shutdown(close: () => void, graceMs: number): Promise<void>;
}

/**
 * Runs the device core (PGlite, hashing, the watcher, sync) in a utility process, so no query
 * or hash ever blocks the main thread that draws the tray and answers the window.
 */
export function startCore<C extends UtilityChild>(
  { utilityProcess, log }: { utilityProcess: UtilityProcessApi<C>; log: ShellLog },
  { modulePath, dataDir }: { modulePath: string; dataDir: string },
): CoreHost<C> {
  const child = utilityProcess.fork(modulePath, coreArgs(dataDir), {
    serviceName: 'NetGuardian core',
    stdio: 'inherit',
  });
  let stopping = false;
  const exited = new Promise<number | 'stopped'>((resolve) => {
    child.on('exit', (code: number) => {
      if (stopping) {
        resolve('stopped');
        return;
      }
      log.error({ code }, 'the core process exited');
      resolve(code);
    });
  });
  return {
    child,
    port: portOfChild(child),
    exited,
    async shutdown(close, graceMs) {
      stopping = true;
      close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
      });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        log.warn({ graceMs }, 'the core did not exit in time: killing it');
        child.kill();
      }
    },
  };
}
