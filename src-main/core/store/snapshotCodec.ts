import type { ContentRef } from '../../../src-shared/events/event.js';
import type {
  FileEntityJson,
  FileVersion,
  LastChange,
} from '../../../src-shared/crdt/fileEntity.js';
import { encodeHlc, parseHlc, type Hlc } from '../../../src-shared/crdt/hlc.js';
import type { LwwMapJson } from '../../../src-shared/crdt/lwwMap.js';
import { MvRegister, type NodeHeadsJson } from '../../../src-shared/crdt/mvRegister.js';
import { VectorClock, type VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import { canonicalJson, type Json } from '../../../src-shared/json.js';

/**
 * How a snapshot's state is kept in `crdt_snapshots.state`: packed, so a store of 100,000 files
 * is not mostly repeated keys. The plain form (`FileEntity.toJSON`) of a one-version file is
 * about 1,160 bytes of JSONB: the same HLC four times (twice as an object), the event id twice,
 * the whole-file hash twice (the file and its single chunk), the node id five times, heads that
 * the versions already say. Packed, the same state is about 330 bytes.
 *
 * Lossless by construction: each part is left out only when the decoder rebuilds exactly that
 * value from what stays (the test checks decode(encode(s)) = s over random states), and anything
 * that does not fit the packed shape is kept as written. The decoder reads both forms, so a store
 * written before keeps working and its rows are packed as they are next rewritten.
 *
 * Packed form (`p` marks it):
 *   p: 1
 *   v: versions, each [id, hlc, clock, content, mtimeMs | null, extra?]
 *        content: null (a tombstone), [hash, size] (one chunk that is the whole file), or the
 *        ContentRef as written; extra: { n: nodeId, t: timestamp } for the parts that differ
 *        from the HLC's node and wall time
 *   f: fields, each [hlc, value]: hlc is the index of a version with that very HLC, or the HLC
 *      text; a field whose HLC has no exact text form stays { hlc, value }
 *   h: the register's heads, only when they are not the ones its versions give
 *   c: the entity's clock, only when it is not the merge of its versions' clocks
 *   l: the last change, only when it is not the newest version's event
 */
export type StoredSnapshotState = FileEntityJson | PackedState;

interface PackedState {
  readonly p: 1;
  readonly v: readonly PackedVersion[];
  readonly f: Readonly<Record<string, PackedField | LwwMapJson[string]>>;
  readonly h?: NodeHeadsJson;
  readonly c?: VectorClockJson;
  readonly l?: LastChange | null;
}

type PackedVersion =
  | readonly [string, string, VectorClockJson, PackedContent, number | null]
  | readonly [string, string, VectorClockJson, PackedContent, number | null, VersionExtra];
type PackedContent = null | readonly [string, number] | ContentRef;
type PackedField = readonly [number | string, Json];
interface VersionExtra {
  readonly n?: string;
  readonly t?: string;
}

const same = (a: unknown, b: unknown) => canonicalJson(a as Json) === canonicalJson(b as Json);

/** The state to store for an entity's plain form: packed, or as it is when it has a shape the packed form doesn't know. */
export function encodeSnapshotState(state: FileEntityJson): StoredSnapshotState {
  if (!packable(state)) return state;
  try {
    return pack(state);
  } catch {
    return state; // an HLC that does not parse: kept as written
  }
}

const STATE_KEYS = new Set(['entityId', 'versions', 'nodeHeads', 'fields', 'clock', 'lastChange']);
const VERSION_KEYS = new Set(['id', 'hlc', 'clock', 'value', 'mtimeMs', 'nodeId', 'timestamp']);

/**
 * Whether every part of the state is one the packed form keeps: a key a newer version of the
 * code added, or a value of another type, would be lost by packing.
 */
function packable(state: FileEntityJson): boolean {
  if (Object.keys(state).some((k) => !STATE_KEYS.has(k))) return false;
  const versions: readonly FileVersion[] = state.versions;
  if (state.lastChange === undefined || !Array.isArray(versions)) return false;
  return versions.every(
    (v: FileVersion) =>
      Object.keys(v).every((k) => VERSION_KEYS.has(k)) &&
      typeof v.id === 'string' &&
      typeof v.hlc === 'string' &&
      typeof v.nodeId === 'string' &&
      typeof v.timestamp === 'string' &&
      (!('mtimeMs' in v) || typeof v.mtimeMs === 'number') &&
      (v.value === null || (typeof v.value === 'object' && !Array.isArray(v.value))),
  );
}

function pack(state: FileEntityJson): PackedState {
  const versions = state.versions;
  const hlcIndex = new Map<string, number>();
  versions.forEach((v, i) => hlcIndex.set(v.hlc, i));
  const fields: Record<string, PackedField | LwwMapJson[string]> = {};
  for (const [name, register] of Object.entries(state.fields)) {
    const plainPair = Object.keys(register).length === 2 && 'value' in register;
    const text = plainPair ? exactHlcText(register.hlc) : undefined;
    if (text === undefined) fields[name] = register;
    else fields[name] = [hlcIndex.get(text) ?? text, register.value];
  }
  const packed: {
    p: 1;
    v: PackedVersion[];
    f: typeof fields;
    h?: NodeHeadsJson;
    c?: VectorClockJson;
    l?: LastChange | null;
  } = { p: 1, v: versions.map(packVersion), f: fields };
  if (state.nodeHeads && !same(state.nodeHeads, headsOf(versions))) packed.h = state.nodeHeads;
  if (!same(state.clock, clockOf(versions))) packed.c = state.clock;
  if (!same(state.lastChange, changeOf(versions))) packed.l = state.lastChange;
  return packed;
}

/** An entity's plain form from what `crdt_snapshots.state` holds (packed or as written before). */
export function decodeSnapshotState(stored: StoredSnapshotState, entityId: string): FileEntityJson {
  if (!('p' in stored)) return stored;
  const versions = stored.v.map(unpackVersion);
  const fields: Record<string, LwwMapJson[string]> = {};
  for (const [name, field] of Object.entries(stored.f)) {
    if (!Array.isArray(field)) {
      fields[name] = field as LwwMapJson[string];
      continue;
    }
    const [hlc, value] = field as PackedField;
    const text = typeof hlc === 'number' ? (versions[hlc] as FileVersion).hlc : hlc;
    fields[name] = { hlc: parseHlc(text), value };
  }
  return {
    entityId,
    versions,
    // Without heads, the register takes them from its versions (`MvRegister.fromJSON`): packing
    // left them out only when they were exactly those.
    ...(stored.h ? { nodeHeads: stored.h } : {}),
    fields,
    clock: stored.c ?? clockOf(versions),
    lastChange: stored.l === undefined ? changeOf(versions) : stored.l,
  };
}

function packVersion(v: FileVersion): PackedVersion {
  const head = [v.id, v.hlc, v.clock, packContent(v.value), v.mtimeMs ?? null] as const;
  const hlc = parseHlc(v.hlc);
  const extra: { n?: string; t?: string } = {};
  if (v.nodeId !== hlc.nodeId) extra.n = v.nodeId;
  if (v.timestamp !== isoOf(hlc)) extra.t = v.timestamp;
  return extra.n === undefined && extra.t === undefined ? head : [...head, extra];
}

function unpackVersion(packed: PackedVersion): FileVersion {
  const [id, hlcText, clock, content, mtimeMs, extra] = packed;
  const hlc = parseHlc(hlcText);
  return {
    id,
    nodeId: extra?.n ?? hlc.nodeId,
    hlc: hlcText,
    timestamp: extra?.t ?? wallTimeOf(hlc),
    clock,
    ...(mtimeMs === null ? {} : { mtimeMs }),
    value: unpackContent(content),
  };
}

/** `[hash, size]` for the usual content: one chunk that is the whole file, nothing else. */
function packContent(value: ContentRef | null): PackedContent {
  if (value === null) return null;
  const chunk = value.chunks?.length === 1 ? value.chunks[0] : undefined;
  const wholeFileChunk =
    chunk !== undefined &&
    Object.keys(value).length === 3 &&
    Object.keys(chunk).length === 2 &&
    chunk.hash === value.hash &&
    chunk.size === value.size;
  return wholeFileChunk ? [value.hash, value.size] : value;
}

function unpackContent(content: PackedContent): ContentRef | null {
  if (!Array.isArray(content)) return content as ContentRef | null;
  const [hash, size] = content as readonly [string, number];
  return { hash, size, chunks: [{ hash, size }] };
}

/** The HLC's text when parsing it gives back exactly this HLC (and nothing else rides along). */
function exactHlcText(hlc: Hlc): string | undefined {
  if (typeof hlc !== 'object' || hlc === null || Object.keys(hlc).length !== 3) return undefined;
  if (!Number.isSafeInteger(hlc.wallMs) || hlc.wallMs < 0) return undefined;
  if (!Number.isSafeInteger(hlc.counter) || hlc.counter < 0) return undefined;
  if (typeof hlc.nodeId !== 'string') return undefined;
  const text = encodeHlc(hlc);
  try {
    return same(parseHlc(text), hlc) ? text : undefined;
  } catch {
    return undefined;
  }
}

function wallTimeOf(hlc: Hlc): string {
  const iso = isoOf(hlc);
  // Packing kept the timestamp whenever the wall time has no date, so this is a damaged row.
  if (iso === undefined) throw new Error(`snapshot version at ${encodeHlc(hlc)} has no timestamp`);
  return iso;
}

function isoOf(hlc: Hlc): string | undefined {
  const date = new Date(hlc.wallMs);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The heads a register derives from its versions when its snapshot has none (encoding only). */
function headsOf(versions: readonly FileVersion[]): NodeHeadsJson {
  return MvRegister.fromJSON({ versions }).headsJSON();
}

function clockOf(versions: readonly FileVersion[]): VectorClockJson {
  let clock = VectorClock.empty();
  for (const v of versions) clock = clock.merge(VectorClock.from(v.clock));
  return clock.toJSON();
}

/** The last change a state with only these versions' events would have: the newest version's. */
function changeOf(versions: readonly FileVersion[]): LastChange | null {
  const newest = versions[versions.length - 1];
  return newest
    ? { eventId: newest.id, nodeId: newest.nodeId, hlc: newest.hlc, timestamp: newest.timestamp }
    : null;
}
