#!/usr/bin/env node
// `npm start`: runs NetGuardian on the embedded default (the device's own PostgreSQL server in the
// data directory, started from the bundled binaries; nothing to install, no hub).
// First run: sets the device up for ~/NetGuardian (or $NETGUARDIAN_FOLDER) with no hub. Then:
// - the web interface is built if it is not (dist/renderer, `vite build`);
// - with Electron's runtime installed (node_modules/electron/path.txt naming a binary in
//   node_modules/electron/dist) and the shell built (dist/electron/main.js): the desktop app;
// - otherwise the headless mode (`netguardian serve`): the daemon plus the interface on
//   127.0.0.1, at the address it prints (with its access token).
// Electron's index.js is never required: it would try to download the runtime.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const repo = fileURLToPath(new URL('..', import.meta.url));
const inRepo = (...parts) => path.join(repo, ...parts);

register();
const { main } = await import('../src-main/cli/main.ts');
const dataDir = process.env.NETGUARDIAN_DATA ?? path.join(os.homedir(), '.netguardian');
const folder = process.env.NETGUARDIAN_FOLDER ?? path.join(os.homedir(), 'NetGuardian');

if (!existsSync(path.join(dataDir, 'config.json'))) {
  process.stdout.write(`first run: syncing ${folder} (data in ${dataDir}, no hub: local only)\n`);
  const code = await main(['init', '--folder', folder, '--data', dataDir]);
  if (code !== 0) process.exit(code);
}

if (!existsSync(inRepo('dist', 'renderer', 'index.html'))) {
  if (existsSync(inRepo('vite.config.ts'))) {
    process.stdout.write('building the interface (vite build)…\n');
    const built = spawnSync('npx', ['vite', 'build'], { cwd: repo, stdio: 'inherit' });
    if (built.status !== 0)
      process.stdout.write('the interface did not build; the sync runs anyway\n');
  } else {
    process.stdout.write('the interface is not part of this checkout yet; the sync runs anyway\n');
  }
}

/** The Electron binary, if its runtime is installed (without loading electron/index.js). */
function electronBinary() {
  const pathFile = inRepo('node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = inRepo('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const electron = electronBinary();
const shell = inRepo('dist', 'electron', 'main.js');
if (electron && existsSync(shell)) {
  const child = spawn(electron, [shell], {
    stdio: 'inherit',
    env: { ...process.env, NETGUARDIAN_DATA: dataDir },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  process.stdout.write(
    electron
      ? 'The desktop shell is not built (run npm run build:electron): starting the headless mode instead\n'
      : "Electron's runtime is not installed here: starting the headless mode instead\n",
  );
  process.exitCode = await main(['serve', '--data', dataDir]);
}
