/**
 * Only the UI section, for working on it: prints the table, writes nothing. Needs a built
 * renderer (`npm run build:renderer`) and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 *
 *   npx tsx bench/ui/main.ts            100,000 files
 *   npx tsx bench/ui/main.ts --quick    5,000 files
 */
import { runUiSection } from './section.js';

runUiSection({ quick: process.argv.includes('--quick'), log: (m) => console.error(m) })
  .then((section) => console.log(section.text))
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
