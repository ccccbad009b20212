#!/usr/bin/env node
// `npm run build:electron`: bundles the Electron shell into dist/electron/ with esbuild.
//
//   main.js         src-main/shell/main.ts            ESM, Electron's main process
//   coreProcess.js  src-main/core/app/coreProcess.ts  ESM, the utility process running the core
//   preload.cjs     src-main/preload/preload.ts       CommonJS, one file, only `electron` outside
//
// Main and core bundle our own TypeScript only: every npm package stays external and is
// loaded from node_modules at run time (electron-builder ships the production dependencies).
// That keeps PGlite's wasm and data files, pg and pino exactly as their packages
// expect to find them, and avoids esbuild's "dynamic require" traps in ESM output.
//
// The preload runs sandboxed, where `require` knows only electron, events, timers and url, so
// it is bundled whole and then checked to import nothing but `electron`.
//
// migrations/: src-main/core/store/migrate.ts finds it by walking up from its own module
// URL. Bundled, that URL is dist/electron/coreProcess.js, so the walk finds <root>/migrations
// in a checkout and <resources>/app.asar/migrations when packaged (electron-builder.yml ships
// migrations/**). The build checks that walk succeeds from dist/electron.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = 'dist/electron';
/** Electron 45 runs Node 22 and Chromium 140. */
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome140';

/** The esbuild options of each bundle, relative to `root` (tests build the preload in memory). */
export function electronBuilds(outDir = OUT_DIR) {
  const common = { bundle: true, sourcemap: true, logLevel: 'warning', absWorkingDir: root };
  const nodeBundle = (entry, outfile) => ({
    ...common,
    entryPoints: [entry],
    outfile: path.join(outDir, outfile),
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    packages: 'external',
  });
  return {
    main: nodeBundle('src-main/shell/main.ts', 'main.js'),
    core: nodeBundle('src-main/core/app/coreProcess.ts', 'coreProcess.js'),
    preload: {
      ...common,
      entryPoints: ['src-main/preload/preload.ts'],
      outfile: path.join(outDir, 'preload.cjs'),
      platform: 'browser',
      format: 'cjs',
      target: CHROME_TARGET,
      external: ['electron'],
      metafile: true,
    },
  };
}

/** The modules a bundle still imports at run time (its externals), from esbuild's metafile. */
export function externalImports(metafile) {
  const found = new Set();
  for (const output of Object.values(metafile.outputs))
    for (const imported of output.imports) if (imported.external) found.add(imported.path);
  return [...found].sort();
}

/** Walks up from `dir` like migrate.ts's defaultMigrationsDir; null when nothing is found. */
export function findMigrations(dir) {
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'migrations');
    if (existsSync(path.join(candidate, '0001_create_seed_tables.sql'))) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}

async function main() {
  const builds = electronBuilds();
  const preload = await build(builds.preload);
  const extra = externalImports(preload.metafile).filter((name) => name !== 'electron');
  if (extra.length > 0)
    throw new Error(`the sandboxed preload may import only electron, not ${extra.join(', ')}`);
  await build(builds.main);
  if (!existsSync(path.join(root, builds.core.entryPoints[0])))
    throw new Error(`${builds.core.entryPoints[0]} is missing: the core process cannot be built`);
  await build(builds.core);
  const migrations = findMigrations(path.join(root, OUT_DIR));
  if (migrations === null) throw new Error(`no migrations/ above ${OUT_DIR}`);
  process.stdout.write(
    `built ${OUT_DIR}/{main.js,coreProcess.js,preload.cjs}; migrations from ${path.relative(root, migrations) || '.'}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    process.stderr.write(`build:electron failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
