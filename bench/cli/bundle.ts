/**
 * Whether the CLI bundle is what `bin/netguardian.mjs` runs: it runs dist/cli/main.mjs only when
 * every source listed in dist/cli/inputs.json is no newer than the bundle, and the TypeScript
 * sources through tsx otherwise (seconds slower). The same test as bin's, so a timing taken while
 * someone edited a source (the bundle went stale) is seen and taken again.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLE = path.join(REPO, 'dist', 'cli', 'main.mjs');

export function cliBundleIsFresh(): boolean {
  try {
    const built = statSync(BUNDLE).mtimeMs;
    const { inputs } = JSON.parse(
      readFileSync(path.join(path.dirname(BUNDLE), 'inputs.json'), 'utf8'),
    ) as { inputs: string[] };
    return inputs.every((p) => statSync(path.join(REPO, p)).mtimeMs <= built);
  } catch {
    return false;
  }
}
