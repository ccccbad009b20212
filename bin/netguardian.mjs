#!/usr/bin/env node
// Runs the CLI: the prebuilt bundle (`node scripts/build-cli.mjs` → dist/cli/main.mjs) when it
// is there and newer than every source it was built from, else the TypeScript sources through
// tsx (no build step needed; a stale bundle is never run). The bundle spares the daemon tsx's
// loader, about 75 MiB of resident memory. No `.env` is loaded from the working directory: in a
// synced folder it is a peer's file, and files in the folder are data, never configuration
// (`hub` commands take the seed's DB_* keys from the environment or `--env-file`).
import { pathToFileURL } from 'node:url';
import { BUNDLE_MAIN, bundleIsFresh } from '../scripts/cliBundle.mjs';

// No V8 memory flags. --optimize-for-size lowered the daemon's peak (two daemons syncing the
// folder bench's tree: 278-327 MiB against 388-418 MiB) but doubled the time (50 s against
// 24-28 s: A's scan took four times the CPU); --max-old-space-size, --heap-growing-percent or a
// forced GC every second cost as much or more. The heap's garbage between major GCs is the cost.
// `netguardian status | head -1`: the reader closing the pipe early is the reader's choice, not
// a failure to print a stack trace for. Any other output error still ends the command with one.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

let main;
if (process.env.NETGUARDIAN_FROM_SOURCES !== '1' && bundleIsFresh()) {
  ({ main } = await import(pathToFileURL(BUNDLE_MAIN).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src-main/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
