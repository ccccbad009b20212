/** The hook `bench/run.ts` calls: the UI scenarios in a temp folder, as text and markdown. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeServerEnterable } from '../support/serverDirs.js';
import { uiMarkdown, uiText } from './uiReport.js';
import { FULL_UI_SIZES, QUICK_UI_SIZES, runUiSuite, type UiResults } from './uiSuite.js';

export interface UiSection {
  readonly results: UiResults;
  readonly text: string;
  readonly markdown: string;
}

export async function runUiSection(options: {
  readonly quick: boolean;
  readonly log: (message: string) => void;
}): Promise<UiSection> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'netguardian-ui-bench-'));
  try {
    // Its devices' clusters stay in their data dirs under it, and go with it (serverDirs.ts).
    await makeServerEnterable(workDir);
    const results = await runUiSuite({
      workDir,
      sizes: options.quick ? QUICK_UI_SIZES : FULL_UI_SIZES,
      log: options.log,
    });
    return { results, text: uiText(results), markdown: uiMarkdown(results) };
  } finally {
    await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
  }
}
