#!/usr/bin/env node
// `npm start`: runs NetGuardian on the embedded default (PGlite in the data directory, no server).
// First run: sets the device up for ~/NetGuardian (or $NETGUARDIAN_FOLDER) with no hub, then runs
// the daemon until Ctrl-C. Add a hub later with `netguardian init --hub …` in another data dir,
// or the DB_* keys in a .env file.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { register } from 'tsx/esm/api';

if (existsSync('.env')) process.loadEnvFile('.env');
register();
const { main } = await import('../src-main/cli/main.ts');
const dataDir = process.env.NETGUARDIAN_DATA ?? path.join(os.homedir(), '.netguardian');
const folder = process.env.NETGUARDIAN_FOLDER ?? path.join(os.homedir(), 'NetGuardian');

if (!existsSync(path.join(dataDir, 'config.json'))) {
  process.stdout.write(`first run: syncing ${folder} (data in ${dataDir}, no hub: local only)\n`);
  const code = await main(['init', '--folder', folder, '--data', dataDir]);
  if (code !== 0) process.exit(code);
}
process.stdout.write(
  'The desktop window is not built yet: running the sync daemon in this terminal (netguardian start).\n',
);
process.exitCode = await main(['start', '--data', dataDir]);
