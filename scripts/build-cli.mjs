#!/usr/bin/env node
// `node scripts/build-cli.mjs`: bundles the `netguardian` CLI (src-main/cli/main.ts and what it
// imports from src-main and src-shared) into one ES module, dist/cli/main.mjs, with esbuild.
// bin/netguardian.mjs runs the bundle when it is there and newer than every source it was built
// from, and the TypeScript sources through tsx otherwise, so a clean clone needs no build. The
// bundle spares the daemon tsx's loader (about 75 MiB of resident memory and its start-up time).
// npm packages stay external: they load from node_modules as they do from the sources
// (PGlite finds its WebAssembly files next to its own module).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outfile = path.join(repo, 'dist', 'cli', 'main.mjs');

const result = await build({
  absWorkingDir: repo,
  entryPoints: ['src-main/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
// The sources the bundle was built from (paths relative to the repository), for bin's freshness check.
const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules'));
await writeFile(
  path.join(path.dirname(outfile), 'inputs.json'),
  `${JSON.stringify({ inputs }, null, 2)}\n`,
);
process.stdout.write(`built ${path.relative(repo, outfile)} from ${inputs.length} sources\n`);
