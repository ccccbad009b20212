/**
 * A private copy of the CLI bundle (dist/cli, built by the int tier's globalSetup) for the
 * crash test's daemons. bin/netguardian.mjs runs dist/cli only while it is newer than every
 * source, and a command loads its chunks on demand: in a checkout where someone edits or rebuilds
 * meanwhile, a daemon started minutes into the run would get half-edited sources through tsx
 * (seconds per start) or a chunk that a rebuild just deleted. The copy keeps every start of the
 * run on the code the run began with. Beside it: the migrations (found by walking up from the
 * bundle) and a link to node_modules (npm packages stay external to the bundle).
 */
import { cp, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../../..');

/** Copies the bundle into `dir`; returns the script that runs it as bin/netguardian.mjs does. */
export async function snapshotCli(dir: string): Promise<string> {
  await cp(path.join(REPO, 'dist', 'cli'), path.join(dir, 'cli'), { recursive: true });
  await cp(path.join(REPO, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const runner = path.join(dir, 'netguardian.mjs');
  await writeFile(
    runner,
    "import { main } from './cli/main.mjs';\nprocess.exitCode = await main(process.argv.slice(2));\n",
  );
  return runner;
}
