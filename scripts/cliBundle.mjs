// Where the CLI bundle lives and whether it is fresh: one rule for bin/netguardian.mjs (which runs
// the bundle only when fresh), scripts/build-cli.mjs (which skips a fresh bundle with --if-stale)
// and the bench.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const BUNDLE_DIR = path.join(REPO, 'dist', 'cli');
export const BUNDLE_MAIN = path.join(BUNDLE_DIR, 'main.mjs');
export const BUNDLE_INPUTS = path.join(BUNDLE_DIR, 'inputs.json');

/** Whether the bundle exists and no source listed in its inputs.json changed (or vanished) since. */
export function bundleIsFresh() {
  try {
    const built = statSync(BUNDLE_MAIN).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(BUNDLE_INPUTS, 'utf8'));
    return inputs.every((p) => statSync(path.join(REPO, p)).mtimeMs <= built);
  } catch {
    return false;
  }
}
