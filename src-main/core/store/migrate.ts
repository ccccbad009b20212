import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { SqlClient } from './sqlClient.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

const CREATE_LEDGER = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;
const LOCK_LEDGER = `SELECT pg_advisory_xact_lock(7262381)`;
const SELECT_APPLIED = `SELECT version, name, checksum FROM schema_migrations ORDER BY version`;
const INSERT_APPLIED = `INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`;

/** Finds the repository's `migrations/` folder by walking up from this module (works from src and from a build). */
export function defaultMigrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'migrations');
    if (existsSync(path.join(candidate, '0001_create_seed_tables.sql'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('migrations/ folder not found above ' + fileURLToPath(import.meta.url));
}

export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = FILE_PATTERN.exec(file);
      if (!m) throw new Error(`migration file name ${file} is not NNNN_verb_object.sql`);
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return {
        version: Number(m[1]),
        name: m[2] as string,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(
        `migrations must be numbered 1..n without gaps; found ${m.version} at position ${i + 1}`,
      );
  });
  return migrations;
}

export interface MigrateOptions {
  readonly migrations?: readonly Migration[];
  /** Apply up to and including this version (tests migrate to N-1, seed, then to N). */
  readonly targetVersion?: number;
}

/**
 * Applies every migration not yet recorded, each in its own transaction with
 * its ledger row, so a crash leaves the schema at a recorded version. An
 * advisory lock serializes processes opening the same server at once. A
 * recorded migration whose file changed is refused: that schema is unknown.
 */
export async function migrate(client: SqlClient, options: MigrateOptions = {}): Promise<number[]> {
  const migrations = options.migrations ?? loadMigrations();
  const target = options.targetVersion ?? Number.POSITIVE_INFINITY;
  await client.transaction(async (tx) => {
    await tx.query(LOCK_LEDGER);
    await tx.exec(CREATE_LEDGER);
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version > target) break;
    const didApply = await client.transaction(async (tx) => {
      await tx.query(LOCK_LEDGER);
      const done = await tx.query<{ version: number; name: string; checksum: string }>(
        SELECT_APPLIED,
      );
      const recorded = done.find((r) => r.version === migration.version);
      if (recorded) {
        if (recorded.checksum !== migration.checksum) {
          throw new NetGuardianError(
            'MigrationFailed',
            `migration ${migration.version} (${migration.name}) was changed after it was applied to ${client.description}`,
          );
        }
        return false;
      }
      try {
        await tx.exec(migration.sql);
      } catch (e) {
        throw new NetGuardianError(
          'MigrationFailed',
          `migration ${migration.version} (${migration.name}) failed on ${client.description}: ${(e as Error).message}`,
        );
      }
      await tx.query(INSERT_APPLIED, [migration.version, migration.name, migration.checksum]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}

export async function appliedVersions(client: SqlClient): Promise<number[]> {
  const rows = await client.query<{ version: number }>(SELECT_APPLIED);
  return rows.map((r) => Number(r.version));
}
