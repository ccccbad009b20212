#!/usr/bin/env node
// Runs the CLI from its TypeScript sources through tsx (no build step needed),
// after loading a `.env` file from the working directory if there is one (the seed's DB_* keys).
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

if (existsSync('.env')) process.loadEnvFile('.env');
register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
