import { defineConfig } from 'vitest/config';

/**
 * Three tiers, chosen by file name (see STYLE.md "Tests"):
 * - unit: `*.unit.test.ts`, pure and fast;   `npm run test:unit` (= `vitest run --project unit`)
 * - int:  `*.int.test.ts`, real PGlite / PostgreSQL / folders / S3 (Swift); `npm run test:int`
 * - e2e:  `*.spec.ts` under e2e/, the app (headless mode, real devices and hub) in Debian's
 *         Chromium through playwright-core; `npm run test:e2e`
 *
 * With TEST_REPORT_DIR set (CI), each run also writes a JSON report there (one file per run).
 */
const reportDir = process.env['TEST_REPORT_DIR'] ?? '';

const exclude = ['**/node_modules/**', '**/dist/**', '**/coverage/**', '**/.data/**'];

export default defineConfig({
  test: {
    reporters:
      reportDir === ''
        ? ['default']
        : [
            'default',
            ['json', { outputFile: `${reportDir}/vitest-${Date.now()}-${process.pid}.json` }],
          ],
    passWithNoTests: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.unit.test.{ts,tsx}'],
          exclude,
          environment: 'node',
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['**/*.int.test.{ts,tsx}'],
          exclude,
          environment: 'node',
          globalSetup: [
            './test/support/globalPostgres.ts',
            './test/support/globalS3.ts',
            './test/support/buildCli.ts',
          ],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          // The CI machine has 2 cores; each int file may run its own PGlite or server load.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          exclude,
          environment: 'node',
          globalSetup: [
            './test/support/globalPostgres.ts',
            './test/support/globalS3.ts',
            './test/support/buildCli.ts',
            './e2e/support/buildRenderer.ts',
          ],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          // Each file runs two device servers and a browser: one file at a time on 2 cores.
          maxWorkers: 1,
        },
      },
    ],
  },
});
