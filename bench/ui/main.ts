/**
 * Only the UI section, for working on it. Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH);
 * builds the renderer first.
 *
 *   npx tsx bench/ui/main.ts            100,000 files, prints the table
 *   npx tsx bench/ui/main.ts --quick    5,000 files
 *   ... --write                         also replaces the "Desktop app (UI)" section of
 *                                       BENCHMARKS.md (the rest of the file is left as it is)
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import buildRenderer from '../../e2e/support/buildRenderer.js';
import { runUiSection } from './section.js';

const HEADING = '## Desktop app (UI)';

async function main(): Promise<void> {
  buildRenderer();
  const quick = process.argv.includes('--quick');
  const section = await runUiSection({ quick, log: (m) => console.error(m) });
  console.log(section.text);
  if (!process.argv.includes('--write')) return;
  if (quick) throw new Error('--write needs the full sizes (drop --quick)');
  const file = path.join(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
  const current = await readFile(file, 'utf8');
  const start = current.indexOf(HEADING);
  if (start < 0) throw new Error(`no "${HEADING}" section in ${file}: run npm run bench`);
  const next = current.indexOf('\n## ', start + HEADING.length);
  const rest = next < 0 ? '' : current.slice(next);
  const options = (await prettier.resolveConfig(file)) ?? {};
  const text = `${current.slice(0, start)}${section.markdown}\n_This section was re-measured on its own on ${new Date().toISOString()} (\`npx tsx bench/ui/main.ts --write\`)._\n${rest}`;
  await writeFile(file, await prettier.format(text, { ...options, filepath: file }));
  console.error(`wrote the UI section of ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
