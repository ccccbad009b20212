/**
 * Vitest globalSetup for the e2e tier: builds the renderer (`vite build` into dist/renderer)
 * so the headless servers under test serve the UI of this very checkout, never a stale build.
 * E2E_SKIP_BUILD=1 reuses an existing build while iterating on a test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');

export default function setup(): void {
  const index = path.join(REPO, 'dist', 'renderer', 'index.html');
  if (process.env['E2E_SKIP_BUILD'] === '1' && existsSync(index)) return;
  const run = spawnSync(
    process.execPath,
    [path.join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
    {
      cwd: REPO,
      // Vitest sets NODE_ENV=test, which would give React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (run.status !== 0 || !existsSync(index)) {
    throw new Error(`vite build failed (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}
