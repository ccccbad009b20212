import { z } from 'zod';
import { FileEntity, type FileEntityJson } from '../../../src-shared/crdt/fileEntity.js';
import {
  compareEncodedHlc,
  decodeHlc,
  encodeHlc,
  parseHlc,
  type HybridLogicalClock,
} from '../../../src-shared/crdt/hlc.js';
import {
  contentRefSchema,
  idSchema,
  jsonValueSchema,
  vectorClockSchema,
} from '../../../src-shared/events/eventSchema.js';
import { validateEntityPath } from '../../../src-shared/paths.js';
import type { HeldRow } from './peerRows.js';

/** Versions one state may carry (the register keeps at most 100 writers' siblings, and a few more of one). */
const MAX_VERSIONS = 10_000;

const eventId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/);
const hlcText = z
  .string()
  .max(200)
  .refine((t) => decodeHlc(t).ok, 'must be <wall>-<counter>-<node>');
const hlcObject = z.strictObject({
  wallMs: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  counter: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  nodeId: idSchema,
});

/** The plain form of an entity state (`FileEntityJson`), as a peer sends it to a store catching up. */
const stateSchema = z.strictObject({
  entityId: z.string(),
  versions: z
    .array(
      z.strictObject({
        id: eventId,
        nodeId: idSchema,
        hlc: hlcText,
        timestamp: z.iso.datetime({ offset: true }),
        clock: vectorClockSchema,
        mtimeMs: z.number().finite().optional(),
        value: contentRefSchema.nullable(),
      }),
    )
    .max(MAX_VERSIONS),
  nodeHeads: z
    .record(
      idSchema,
      z.tuple([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), hlcText]),
    )
    .optional(),
  fields: z.record(
    z.string().min(1).max(128),
    z.strictObject({ value: jsonValueSchema, hlc: hlcObject }),
  ),
  clock: vectorClockSchema,
  lastChange: z
    .strictObject({
      eventId,
      nodeId: idSchema,
      hlc: hlcText,
      timestamp: z.iso.datetime({ offset: true }),
    })
    .nullable(),
});

/** The newest stamp a state holds anywhere (its versions, fields, heads and last change). */
function newestStamp(state: z.infer<typeof stateSchema>): string | undefined {
  let newest: string | undefined;
  const see = (hlc: string) => {
    if (newest === undefined || compareEncodedHlc(hlc, newest) > 0) newest = hlc;
  };
  for (const v of state.versions) see(v.hlc);
  for (const [, hlc] of Object.values(state.nodeHeads ?? {})) see(hlc);
  for (const f of Object.values(state.fields)) see(encodeHlc(f.hlc));
  if (state.lastChange) see(state.lastChange.hlc);
  return newest;
}

/**
 * Sorts a peer's entity states (a catch-up past a compacted log) into states to merge and rows
 * to hold, like `screenPeerRows` does for events: each is validated field by field, its entity
 * id by the path rules, and its newest stamp must not be too far ahead of our clock (which then
 * observes it). An accepted state is rebuilt version by version (`merge` into an empty entity),
 * so a peer cannot hand us siblings one of which dominates another.
 */
export function screenPeerStates(
  states: readonly unknown[],
  clock: HybridLogicalClock,
): { accepted: FileEntity[]; held: HeldRow[] } {
  const accepted: FileEntity[] = [];
  const held: HeldRow[] = [];
  for (const raw of states) {
    const payload = { event_id: stateKey(raw), snapshot: raw };
    const parsed = stateSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      held.push({
        code: 'InvalidEvent',
        message: `a peer's file state is malformed: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`,
        field: issue?.path.join('.') ?? 'state',
        payload,
      });
      continue;
    }
    const state = parsed.data;
    const path = validateEntityPath(state.entityId);
    if (!path.ok) {
      held.push({ ...path.error.toInfo(), payload });
      continue;
    }
    const newest = newestStamp(state);
    if (newest !== undefined) {
      const clocked = clock.receive(parseHlc(newest));
      if (!clocked.ok) {
        held.push({ ...clocked.error.toInfo(), payload });
        continue;
      }
    }
    const json = state as unknown as FileEntityJson;
    accepted.push(FileEntity.empty(state.entityId).merge(FileEntity.fromJSON(json)));
  }
  return { accepted, held };
}

/**
 * The quarantine's key for a held state (its `event_id` column): one row per source and entity
 * however often the state comes again, released once a later catch-up takes it.
 */
export function stateKey(raw: unknown): string {
  const entityId = (raw as { entityId?: unknown } | null)?.entityId;
  return `state:${typeof entityId === 'string' ? entityId.slice(0, 200) : '?'}`;
}
