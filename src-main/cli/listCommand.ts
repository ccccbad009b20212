import type { FileRow } from '../../src-shared/ipc/contract.js';
import type { CliContext } from './cliContext.js';
import { toEntityPath, withSession } from './deviceCommands.js';
import { listLines, listSummary } from './listPrinting.js';

/**
 * `netguardian ls [folder]`: a folder's entries as the store knows them, folders first, through
 * `files:list` with the folder's key pages (to the running daemon, or this process when none
 * runs). A page at a time: `--all` at a million entries holds one page, never the folder.
 */

const PAGE_ROWS = 500;
/** What `ls` shows without `--all`. */
const FIRST_ROWS = 200;

export async function listCommand(
  ctx: CliContext,
  dataDir: string,
  folderArg: string | undefined,
  options: { readonly all: boolean; readonly json: boolean },
): Promise<void> {
  await withSession(ctx, dataDir, 'ls', async ({ client }) => {
    // "docs/", "./docs" and "." as a shell completes them.
    const given = (folderArg ?? '')
      .trim()
      .replace(/^(\.\/)+/u, '')
      .replace(/\/+$/u, '');
    const folder = given === '' || given === '.' ? '' : await toEntityPath(client, given);
    const limit = options.all ? PAGE_ROWS : FIRST_ROWS;
    let after: string | null | undefined;
    let shown = 0;
    let total = 0;
    const json: FileRow[] = [];
    do {
      const page = await client.call('files:list', {
        query: '',
        offset: 0,
        limit,
        folder,
        ...(typeof after === 'string' ? { after } : {}),
      });
      total = page.total;
      shown += page.rows.length;
      if (options.json) json.push(...page.rows);
      else for (const line of listLines(folder, page.rows)) ctx.out(line);
      after = page.next;
    } while (options.all && after !== null);
    if (options.json) ctx.out(JSON.stringify({ folder, total, rows: json }, null, 2));
    else ctx.out(listSummary(folder, total, shown));
  });
}
