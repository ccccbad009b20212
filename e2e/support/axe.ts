/**
 * axe-core (the npm package) run in the page as it is (issue 16 point 8). Its source is evaluated
 * through the DevTools protocol, which the page's Content-Security-Policy (scripts from 'self'
 * only) does not apply to, so the CSP under test stays the one we ship.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './appPage.js';

const require = createRequire(import.meta.url);
let axeSource: Promise<string> | undefined;

/** What the issue asks to be zero. */
const BLOCKING = new Set(['serious', 'critical']);

export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  /** One line per element: its selector and axe's summary of what is wrong there. */
  readonly targets: readonly string[];
}

/** The serious and critical violations of WCAG 2.x A and AA rules (and axe's best practices). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (loaded !== true) await page.evaluate(await axeSource);
  const results = await page.evaluate<AxeResults>(
    `window.axe.run(document, { resultTypes: ['violations'] })`,
  );
  return results.violations
    .filter((v: Result) => BLOCKING.has(v.impact ?? ''))
    .map((v: Result) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map(
        (n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`,
      ),
    }));
}

/** A readable list for a failing assertion: each rule, then each element it found. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) =>
      [`${v.id} (${v.impact}): ${v.help}`, ...v.targets.map((t) => `  - ${t}`)].join('\n'),
    )
    .join('\n');
}

/** Writes the list to e2e/artifacts/axe/<name>.txt; returns the file's path. */
export async function writeAxeReport(
  name: string,
  violations: readonly AxeViolation[],
): Promise<string> {
  const dir = path.join(ARTIFACTS, 'axe');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.txt`);
  await writeFile(file, `${describeViolations(violations)}\n`);
  return file;
}
