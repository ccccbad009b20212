import type { CliContext } from './cliContext.js';
import { withSession } from './deviceCommands.js';
import { parseDuration } from './duration.js';
import { emptiedLine, trashLines } from './trashPrinting.js';

/**
 * `netguardian trash list` and `trash empty`: through the contract (`trash:list`,
 * `trash:empty`), to the running daemon or to this process when none runs, as every device
 * command (deviceCommands.ts).
 */

/** The longest `--older-than`: ten years, the longest the config keeps items. */
const MAX_OLDER_THAN_DAYS = 3650;

export async function trashListCommand(ctx: CliContext, dataDir: string, json: boolean) {
  await withSession(ctx, dataDir, 'trash list', async ({ client }) => {
    const view = await client.call('trash:list', {});
    if (json) ctx.out(JSON.stringify(view, null, 2));
    else for (const line of trashLines(view)) ctx.out(line);
  });
}

export async function trashEmptyCommand(
  ctx: CliContext,
  dataDir: string,
  olderThan: string | undefined,
) {
  // Read before the device is opened: a bad duration changes nothing.
  const olderThanMs =
    olderThan === undefined
      ? undefined
      : parseDuration(olderThan, 'older-than', MAX_OLDER_THAN_DAYS);
  await withSession(ctx, dataDir, 'trash empty', async ({ client }) => {
    const report = await client.call(
      'trash:empty',
      olderThanMs === undefined ? {} : { olderThanMs },
    );
    ctx.out(emptiedLine(report, olderThan?.trim()));
  });
}
