/**
 * Vitest globalSetup for the tiers that run `netguardian` as a child process (bin/netguardian.mjs):
 * builds the CLI bundle when it is stale (scripts/build-cli.mjs, about a second) so those processes start in
 * a few hundred milliseconds from this very checkout's code. bin/netguardian.mjs would otherwise
 * run the sources through tsx, seconds per command.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');

export default function setup(): void {
  const script = path.join(REPO, 'scripts', 'build-cli.mjs');
  const run = spawnSync(process.execPath, [script, '--if-stale'], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0)
    throw new Error(
      `the CLI bundle did not build (status ${run.status}):\n${run.stdout}\n${run.stderr}`,
    );
}
