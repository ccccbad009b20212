/**
 * The hook `bench/run.ts` calls: runs the folder-sync scenarios on the bench's PostgreSQL server
 * and returns the section for the terminal and for BENCHMARKS.md.
 */
import type { PgServer } from '../support/postgres.js';
import type { ScratchDirs } from './scratchDirs.js';
import { folderMarkdown, folderText } from './folderReport.js';
import {
  FULL_FOLDER_SIZES,
  QUICK_FOLDER_SIZES,
  runFolderSuite,
  type FolderResults,
} from './folderSuite.js';

export interface FolderSection {
  readonly results: FolderResults;
  /** The "Folder sync" table for stdout. */
  readonly text: string;
  /** The "## Folder sync" section to append to BENCHMARKS.md. */
  readonly markdown: string;
}

export async function runFolderSection(options: {
  readonly server: PgServer;
  readonly quick: boolean;
  /** Where the scenarios' folders go, removed by the caller; none: removed when the section ends. */
  readonly scratch?: ScratchDirs;
  readonly log?: (message: string) => void;
}): Promise<FolderSection> {
  const results = await runFolderSuite({
    server: options.server,
    sizes: options.quick ? QUICK_FOLDER_SIZES : FULL_FOLDER_SIZES,
    ...(options.scratch ? { scratch: options.scratch } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return { results, text: folderText(results), markdown: folderMarkdown(results) };
}
