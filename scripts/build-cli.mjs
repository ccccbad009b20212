#!/usr/bin/env node
// `node scripts/build-cli.mjs` (run by `npm install` through `prepare`, and by `npm run build`):
// bundles the `netguardian` CLI (src-main/cli/main.ts and what it imports from src-main and
// src-shared) into ES modules under dist/cli/ with esbuild. bin/netguardian.mjs runs the bundle
// when it is there and newer than every source it was built from, and the TypeScript sources
// through tsx otherwise (a stale bundle is never run). The bundle spares every command tsx's
// loader: about 75 MiB of resident memory and seconds of start-up.
//
// Code splitting: main.mjs holds only the command line parser; each command's code is a chunk
// loaded when that command runs (main.ts imports them dynamically), so `netguardian --help` and a
// `status` answered by the running daemon never load the store, the folder layer or PGlite.
// npm packages stay external: they load from node_modules as they do from the sources (PGlite
// finds its WebAssembly files next to its own module, fs-native-extensions its prebuilt addon).
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(repo, 'dist', 'cli');

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: repo,
  entryPoints: { main: 'src-main/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
// The sources the bundle was built from (paths relative to the repository), for bin's freshness check.
const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules'));
await writeFile(path.join(outdir, 'inputs.json'), `${JSON.stringify({ inputs }, null, 2)}\n`);
process.stdout.write(
  `built ${path.relative(repo, outdir)}/main.mjs from ${inputs.length} sources\n`,
);
