import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { opSchema, type Op } from './ops.js';

/**
 * A fixture is a run's op list as it was applied (switched-off kinds already left
 * out), so it replays exactly whatever the generator becomes. A failing run writes
 * one to the temp dir; copied into `fixtures/`, it is replayed by every test run.
 */

export const fixtureSchema = z.strictObject({
  description: z.string(),
  /** The seed it came from, for people; replay uses `ops`. */
  seed: z.number().int().nonnegative().optional(),
  ops: z.array(opSchema).min(1),
});

export type Fixture = z.infer<typeof fixtureSchema>;

export const FIXTURE_DIR = path.join(import.meta.dirname, 'fixtures');

export function loadFixtures(dir = FIXTURE_DIR): { file: string; fixture: Fixture }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fixture: loadFixture(path.join(dir, file)) }));
}

export function loadFixture(file: string): Fixture {
  const parsed = fixtureSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`fixture ${file}: ${parsed.error.message}`);
  return parsed.data;
}

/** Writes a failing run's ops to the temp dir; returns the file's path. */
export function writeFailureFixture(label: string, ops: readonly Op[], seed?: number): string {
  const file = path.join(
    tmpdir(),
    `folder-convergence-${label.replace(/[^A-Za-z0-9]+/g, '-')}-${Date.now()}.json`,
  );
  const fixture: Fixture = {
    description: `failing run: ${label}`,
    ...(seed !== undefined ? { seed } : {}),
    ops: [...ops],
  };
  // One op per line: diffs of a fixture being cut down stay readable.
  const lines = fixture.ops.map((op) => `    ${JSON.stringify(op)}`).join(',\n');
  const head = JSON.stringify({ description: fixture.description, seed: fixture.seed }, null, 2);
  writeFileSync(file, `${head.slice(0, -2)},\n  "ops": [\n${lines}\n  ]\n}\n`);
  return file;
}
