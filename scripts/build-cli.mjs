#!/usr/bin/env node
// `node scripts/build-cli.mjs [--if-stale]` (run by `npm install` through `prepare`, by
// `npm run build`, and by the test tiers' global setup): bundles the `netguardian` CLI
// (src-main/cli/main.ts and what it imports from src-main and src-shared) into ES modules under
// dist/cli/ with esbuild. bin/netguardian.mjs runs the bundle when it is there and newer than
// every source it was built from, and the TypeScript sources through tsx otherwise (a stale
// bundle is never run). The bundle spares every command tsx's loader: about 75 MiB of resident
// memory and seconds of start-up. With --if-stale a fresh bundle is left as it is.
//
// Code splitting: main.mjs holds only the command line parser; each command's code is a chunk
// loaded when that command runs (main.ts imports them dynamically), so `netguardian --help` and a
// `status` answered by the running daemon never load the store, the folder layer or PGlite.
// npm packages stay external: they load from node_modules as they do from the sources (PGlite
// finds its WebAssembly files next to its own module, fs-native-extensions its prebuilt addon).
//
// A rebuild never removes what a running command may still load: chunks are named by their
// content's hash (an unchanged chunk is rewritten identically, a changed one gets a new name), and
// main.mjs is replaced by a rename, so a `netguardian` process started from the previous build
// finds every chunk it imports later. Old chunks stay until the next clean checkout.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_DIR, BUNDLE_INPUTS, BUNDLE_MAIN, REPO, bundleIsFresh } from './cliBundle.mjs';

if (process.argv.includes('--if-stale') && bundleIsFresh()) {
  process.stdout.write(`${path.relative(REPO, BUNDLE_MAIN)} is fresh\n`);
  process.exit(0);
}

// Built beside the bundle, then main.mjs and its map moved into place.
const staging = path.join(BUNDLE_DIR, `.staging-${randomBytes(4).toString('hex')}`);
try {
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: { main: 'src-main/cli/main.ts' },
    outdir: staging,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    // Chunks one level below main.mjs: staged in `<staging>/chunks`, written to `dist/cli/chunks`.
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((o) => path.resolve(REPO, o));
  // Chunks first (new names only appear), then the entry that imports them.
  for (const file of outputs.filter((o) => o.includes(`${path.sep}chunks${path.sep}`)))
    await moveInto(file, path.join(BUNDLE_DIR, path.relative(staging, file)));
  for (const file of outputs.filter((o) => !o.includes(`${path.sep}chunks${path.sep}`)))
    await moveInto(file, path.join(BUNDLE_DIR, path.relative(staging, file)));
  // The sources the bundle was built from (paths relative to the repository), for the freshness check.
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules'));
  await writeFile(`${BUNDLE_INPUTS}.tmp`, `${JSON.stringify({ inputs }, null, 2)}\n`);
  await rename(`${BUNDLE_INPUTS}.tmp`, BUNDLE_INPUTS);
  process.stdout.write(`built ${path.relative(REPO, BUNDLE_MAIN)} from ${inputs.length} sources\n`);
} finally {
  await rm(staging, { recursive: true, force: true });
}

async function moveInto(from, to) {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path.dirname(to), { recursive: true });
  await rename(from, to);
}
