#!/usr/bin/env node
// Runs the CLI: the prebuilt bundle (`node scripts/build-cli.mjs` → dist/cli/main.mjs) when it
// is there and newer than every source it was built from, else the TypeScript sources through
// tsx (no build step needed; a stale bundle is never run). The bundle spares the daemon tsx's
// loader, about 75 MiB of resident memory. First loads a `.env` file from the working directory
// if there is one (the seed's DB_* keys).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bundle = path.join(repo, 'dist', 'cli', 'main.mjs');

/** Whether the bundle exists and no source listed in its inputs.json changed (or vanished) since. */
function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(
      readFileSync(path.join(path.dirname(bundle), 'inputs.json'), 'utf8'),
    );
    return inputs.every((p) => statSync(path.join(repo, p)).mtimeMs <= built);
  } catch {
    return false;
  }
}

// The daemon's heap: V8's default sizing lets garbage from a large sync's batches pile up to
// ~150 MiB of heap before collecting it; favouring size keeps the heap near its live set (the
// folder bench's (e): peak 468 -> 347 MiB, the sync no slower within noise). Set before any
// module of the CLI loads.
setFlagsFromString('--optimize-for-size');
if (existsSync('.env')) process.loadEnvFile('.env');
let main;
if (process.env.NETGUARDIAN_FROM_SOURCES !== '1' && bundleIsFresh()) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src-main/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
