import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { dataPaths } from '../../deviceConfig.js';
import { childLogger, type Logger } from '../../log.js';
import { migrate } from '../../store/migrate.js';
import { openPgliteClient } from '../../store/pgliteClient.js';
import type { SqlClient } from '../../store/sqlClient.js';
import { fsyncDir } from '../../files/durableFs.js';
import {
  assertSameTables,
  copySequences,
  copyTableRows,
  countRows,
  describeTables,
  EXACT_TEXT_SETTINGS,
  firstNonEmptyTable,
} from './tableCopy.js';

/**
 * Moves a device's store from PGlite (`<dataDir>/db`, earlier versions) into its PostgreSQL
 * server, once. Both sides are migrated to the same schema first; every row of every table is
 * then copied in one transaction on the target, ids kept, and the counts checked before commit.
 */

/** Where the PGlite store is kept after its import, as a backup the user may delete. */
export const IMPORTED_SUFFIX = '.pglite-imported';

const isPgliteDir = (dir: string) => existsSync(path.join(dir, 'PG_VERSION'));

export async function importPgliteStore(options: {
  pgliteDir: string;
  target: SqlClient;
  log?: Logger;
}): Promise<{ readonly rows: Readonly<Record<string, number>> }> {
  const log = childLogger(options.log, 'pglite-import');
  const { pgliteDir, target } = options;
  if (!isPgliteDir(pgliteDir))
    throw new NetGuardianError('NotFound', `${pgliteDir} is not a PGlite store`, 'pgliteDir');
  const started = Date.now();
  const source = await openPgliteClient(pgliteDir);
  try {
    await migrate(source);
    await source.exec(EXACT_TEXT_SETTINGS);
    await migrate(target);
    const tables = await describeTables(source);
    assertSameTables(tables, await describeTables(target));
    const expected: Record<string, number> = {};
    for (const table of tables) expected[table.name] = await countRows(source, table);

    const rows = await target.transaction(async (tx) => {
      const occupied = await firstNonEmptyTable(tx, tables);
      if (occupied !== undefined)
        throw new NetGuardianError(
          'StoreError',
          `the target store already holds data (table ${occupied}): refusing to import ${pgliteDir} over it`,
        );
      const copied: Record<string, number> = {};
      for (const table of tables) {
        copied[table.name] = await copyTableRows(source, tx, table);
        const stored = await countRows(tx, table);
        if (copied[table.name] !== expected[table.name] || stored !== expected[table.name])
          throw new NetGuardianError(
            'StoreError',
            `importing ${pgliteDir}: table ${table.name} has ${expected[table.name]} rows, ${copied[table.name]} were copied and ${stored} stored; nothing was imported`,
          );
      }
      await copySequences(source, tx);
      return copied;
    });
    // Fresh planner statistics for the tables that just filled up (autovacuum would, later).
    await target.exec('ANALYZE');
    log.info({ rows, ms: Date.now() - started }, 'imported the PGlite store');
    return { rows };
  } finally {
    await source.close();
  }
}

export type PgliteImportOutcome =
  | {
      readonly imported: true;
      readonly rows: Readonly<Record<string, number>>;
      readonly backupDir: string;
    }
  /** No PGlite store in the data dir: nothing to do (the usual case). */
  | { readonly imported: false; readonly reason: 'no-pglite-store' }
  /** An earlier import committed but was interrupted before the rename; the rename is done now. */
  | {
      readonly imported: false;
      readonly reason: 'finished-earlier-import';
      readonly backupDir: string;
    }
  /** The target holds another device's data: the PGlite store is left where it is. */
  | { readonly imported: false; readonly reason: 'target-not-empty' };

/**
 * What the owner calls at every start, after opening its server store: imports `<dataDir>/db`
 * when it is a PGlite store and the target is empty, then keeps it renamed as a backup.
 */
export async function importPgliteIfPresent(options: {
  dataDir: string;
  target: SqlClient;
  log?: Logger;
}): Promise<PgliteImportOutcome> {
  const log = childLogger(options.log, 'pglite-import');
  const pgliteDir = dataPaths(options.dataDir).db;
  if (!isPgliteDir(pgliteDir)) return { imported: false, reason: 'no-pglite-store' };
  await migrate(options.target);
  const occupied = await firstNonEmptyTable(options.target, await describeTables(options.target));
  if (occupied === undefined) {
    const { rows } = await importPgliteStore({ pgliteDir, target: options.target, log });
    const backupDir = await setAside(pgliteDir);
    log.info(
      { backupDir },
      'the PGlite store is kept as a backup; it is no longer used and may be deleted',
    );
    return { imported: true, rows, backupDir };
  }
  if (await sameDevice(pgliteDir, options.target)) {
    const backupDir = await setAside(pgliteDir);
    log.info({ backupDir }, 'finished an interrupted import: the PGlite store is kept as a backup');
    return { imported: false, reason: 'finished-earlier-import', backupDir };
  }
  log.warn(
    { pgliteDir, table: occupied },
    'a PGlite store is in the data dir but the server store already holds data: left alone',
  );
  return { imported: false, reason: 'target-not-empty' };
}

const SELECT_NODE_ID = `SELECT node_id FROM crdt_device WHERE singleton`;

/** Whether the PGlite store holds the same device identity as the target (so it was imported). */
async function sameDevice(pgliteDir: string, target: SqlClient): Promise<boolean> {
  const [mine] = await target.query<{ node_id: string }>(SELECT_NODE_ID);
  if (mine === undefined) return false;
  const source = await openPgliteClient(pgliteDir);
  try {
    await migrate(source);
    const [theirs] = await source.query<{ node_id: string }>(SELECT_NODE_ID);
    return theirs?.node_id === mine.node_id;
  } finally {
    await source.close();
  }
}

/** Renames the PGlite store to its backup name (a free one), durably. */
async function setAside(pgliteDir: string): Promise<string> {
  let backupDir = `${pgliteDir}${IMPORTED_SUFFIX}`;
  for (let n = 2; existsSync(backupDir); n++) backupDir = `${pgliteDir}${IMPORTED_SUFFIX}-${n}`;
  await rename(pgliteDir, backupDir);
  await fsyncDir(path.dirname(pgliteDir));
  return backupDir;
}
