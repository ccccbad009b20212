import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The vocabulary of a convergence history: local writes, sync runs (with
 * duplicates and injected faults), clock changes and mid-history expectations.
 * The random driver emits these; hand-made and failing histories are stored as
 * JSON fixtures of the same steps and replayed forever.
 */

const device = z.number().int().min(0).max(5);
const json: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(json),
    z.record(z.string(), json),
  ]),
);
const fields = z.record(z.string().min(1), json);
/** `hash` is 64 hex digits, or a short label that stands for its SHA-256 (readable fixtures). */
const content = z.strictObject({ hash: z.string().min(1), size: z.number().int().nonnegative() });
const keep = z.enum(['mine', 'theirs', 'both']);
/**
 * The version vector the change was made on (the folder layer's "the file on
 * disk came from this version"); default: everything the device holds.
 */
const basis = z.record(z.string(), z.number().int().positive());
const fault = z.strictObject({
  side: z.enum(['hub', 'local']),
  after: z.number().int().min(0),
  commit: z.boolean(),
});

const base = {
  /** Physical time passing on every device before the step (ms). */
  dt: z.number().int().min(0).optional(),
  /** A write expected to be refused, with this error code. */
  expectError: z.string().optional(),
};

export const stepSchema = z.discriminatedUnion('t', [
  z.strictObject({
    ...base,
    t: z.literal('create'),
    d: device,
    path: z.string(),
    content,
    fields: fields.optional(),
  }),
  z.strictObject({
    ...base,
    t: z.literal('update'),
    d: device,
    path: z.string(),
    content: content.optional(),
    fields: fields.optional(),
    basis: basis.optional(),
  }),
  z.strictObject({
    ...base,
    t: z.literal('delete'),
    d: device,
    path: z.string(),
    basis: basis.optional(),
  }),
  z.strictObject({ ...base, t: z.literal('resolve'), d: device, path: z.string(), keep }),
  z.strictObject({
    ...base,
    t: z.literal('sync'),
    d: device,
    dir: z.enum(['push', 'pull', 'bidirectional']),
    /** sequential: the same run twice in a row; concurrent: twice at once (coalesced into one run). */
    dup: z.enum(['sequential', 'concurrent']).optional(),
    fault: fault.optional(),
  }),
  /** Several devices' runs at once (pushes, or pulls: either way the outcome is order-free). */
  z.strictObject({
    ...base,
    t: z.literal('syncMany'),
    ds: z.array(device).min(2),
    dir: z.enum(['push', 'pull']),
  }),
  /**
   * Compacts a store's event log (store/compaction.ts): versions superseded more than `windowMs`
   * before the store's clock leave it. A device compacts its own events only as far as the hub
   * holds them, as a running device does.
   */
  z.strictObject({
    ...base,
    t: z.literal('compact'),
    d: z.union([device, z.literal('hub')]),
    windowMs: z.number().int().min(0),
  }),
  /** Closes a device's manager and engine and opens new ones on the same store. */
  z.strictObject({ ...base, t: z.literal('restart'), d: device }),
  /** Sets a device's physical clock offset from the shared time. */
  z.strictObject({ ...base, t: z.literal('skew'), d: device, ms: z.number().int() }),
  /**
   * Checks a device's quarantine against the events of `origin` (a device
   * whose clock is ahead): exactly those more than the bound ahead of this
   * device's clock at its last pull are held, and exactly the others are stored
   * (so the device must have pulled after `origin` last pushed).
   */
  z.strictObject({ ...base, t: z.literal('expectHeld'), d: device, origin: device }),
  /** Checks a device's (or the hub's) view of a file mid-history. */
  z.strictObject({
    ...base,
    t: z.literal('expect'),
    d: z.union([device, z.literal('hub')]),
    path: z.string(),
    exists: z.boolean().optional(),
    /** Content hashes (or labels) of the file and its conflict copies, in any order. */
    contents: z.array(z.string()).optional(),
    winner: z.string().optional(),
  }),
]);

export type Step = z.infer<typeof stepSchema>;
export type SyncStep = Extract<Step, { t: 'sync' }>;
export type FaultSpec = z.infer<typeof fault>;

const finalFile = z.strictObject({
  exists: z.boolean(),
  contents: z.array(z.string()).optional(),
  winner: z.string().optional(),
});

export const fixtureSchema = z.discriminatedUnion('kind', [
  /** A seed that once failed: replayed through the random scenario it failed in. */
  z.strictObject({
    kind: z.literal('seed'),
    description: z.string(),
    scenario: z.enum(['random', 'clock-ahead']),
    seed: z.number().int().nonnegative(),
    /** Random steps (the random scenario only; the clock-ahead scenario has fixed phases). */
    ops: z.number().int().positive().optional(),
  }),
  /** An explicit history, then heal, then the invariants and `final`. */
  z.strictObject({
    kind: z.literal('script'),
    description: z.string(),
    devices: z.number().int().min(1).max(6),
    skewsMs: z.array(z.number().int()).optional(),
    steps: z.array(stepSchema),
    final: z.record(z.string(), finalFile).optional(),
  }),
]);

export type Fixture = z.infer<typeof fixtureSchema>;

/** Every `*.json` in `dir`, parsed and validated (a malformed fixture fails loudly). */
export function loadFixtures(dir: string): { file: string; fixture: Fixture }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = fixtureSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) throw new Error(`fixture ${file}: ${parsed.error.message}`);
      return { file, fixture: parsed.data };
    });
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A content hash as stored: 64 hex digits as given, or the SHA-256 of a label. */
export function contentHash(hashOrLabel: string): string {
  return HEX64.test(hashOrLabel)
    ? hashOrLabel
    : createHash('sha256').update(hashOrLabel).digest('hex');
}
