import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configArb, simulate } from '../../test/support/crdtSimulation.js';
import { checkProperty, FC_SEED } from '../../test/support/fastCheck.js';
import type { ErrorCode } from '../errors.js';
import { MAX_DATA_BYTES, parseEvent, toWire, type EventWire } from './eventSchema.js';

const check = checkProperty(import.meta.url);

const HASH = 'ab'.repeat(32);
const base = (): Record<string, unknown> => ({
  event_id: 'laptop:7',
  space_id: 'space-1',
  entity_id: 'docs/report.txt',
  event_type: 'file_created',
  data: {
    content: { hash: HASH, size: 12, chunks: [{ hash: HASH, size: 12 }] },
    fields: { mode: 420 },
  },
  timestamp: '2024-05-01T12:00:00.000Z',
  hlc: '001714564800000-000003-laptop',
  node_id: 'laptop',
  seq: 7,
  vector_clock: { laptop: 7, phone: 2 },
});

const VALID: Record<string, Record<string, unknown>> = {
  file_created: base(),
  'file_updated (content)': {
    ...base(),
    event_type: 'file_updated',
    data: { content: { hash: HASH, size: 0 } },
  },
  'file_updated (fields only)': {
    ...base(),
    event_type: 'file_updated',
    data: { fields: { mtime: 1714564800000, tag: null, nested: { a: [1, 'x'] } } },
  },
  file_deleted: { ...base(), event_type: 'file_deleted', data: {} },
  'conflict_resolved (keep a version)': {
    ...base(),
    event_type: 'conflict_resolved',
    data: { content: { hash: HASH, size: 12 }, resolves: ['phone:3', 'laptop:6'] },
  },
  'conflict_resolved (to deleted)': {
    ...base(),
    event_type: 'conflict_resolved',
    data: { content: null },
  },
};

const without = (key: string) => {
  const e = base();
  delete e[key];
  return e;
};
const withData = (data: unknown, type = 'file_created') => ({ ...base(), event_type: type, data });

type Case = readonly [
  name: string,
  input: unknown,
  code: ErrorCode,
  field: string,
  message?: RegExp,
];

const REJECTED: readonly Case[] = [
  [
    'unknown event type',
    { ...base(), event_type: 'file_renamed' },
    'UnknownEventType',
    'event_type',
    /file_created/,
  ],
  [
    'event type in code form',
    { ...base(), event_type: 'FileCreated' },
    'UnknownEventType',
    'event_type',
  ],
  ...[
    'event_id',
    'space_id',
    'entity_id',
    'event_type',
    'data',
    'timestamp',
    'hlc',
    'node_id',
    'seq',
    'vector_clock',
  ].map((key): Case => [`missing ${key}`, without(key), 'InvalidEvent', key]),
  ['not an object', 'file_created', 'InvalidEvent', '(event)'],
  ['null', null, 'InvalidEvent', '(event)'],
  ['an array', [base()], 'InvalidEvent', '(event)'],
  ['event_id a number', { ...base(), event_id: 7 }, 'InvalidEvent', 'event_id'],
  ['event_id with a slash', { ...base(), event_id: 'a/b' }, 'InvalidEvent', 'event_id'],
  ['space_id empty', { ...base(), space_id: '' }, 'InvalidEvent', 'space_id'],
  ['entity_id a number', { ...base(), entity_id: 1 }, 'InvalidEvent', 'entity_id'],
  ['seq a string', { ...base(), seq: '7' }, 'InvalidEvent', 'seq'],
  ['seq zero', { ...base(), seq: 0 }, 'InvalidEvent', 'seq'],
  ['seq fractional', { ...base(), seq: 1.5 }, 'InvalidEvent', 'seq'],
  ['timestamp not ISO', { ...base(), timestamp: 'yesterday' }, 'InvalidEvent', 'timestamp'],
  [
    'timestamp an impossible date',
    { ...base(), timestamp: '2023-02-29T00:00:00Z' },
    'InvalidEvent',
    'timestamp',
  ],
  ['hlc a number', { ...base(), hlc: 3 }, 'InvalidEvent', 'hlc'],
  ['hlc malformed', { ...base(), hlc: '1714564800000-3-laptop' }, 'InvalidEvent', 'hlc'],
  ['node_id with a space', { ...base(), node_id: 'my laptop' }, 'InvalidEvent', 'node_id'],
  ['vector_clock an array', { ...base(), vector_clock: [7] }, 'InvalidEvent', 'vector_clock'],
  [
    'vector_clock count a string',
    { ...base(), vector_clock: { laptop: '7' } },
    'InvalidEvent',
    'vector_clock.laptop',
  ],
  [
    'vector_clock count zero',
    { ...base(), vector_clock: { laptop: 7, phone: 0 } },
    'InvalidEvent',
    'vector_clock.phone',
  ],
  ['data a string', withData('hello'), 'InvalidEvent', 'data'],
  [
    'content hash not hex',
    withData({ content: { hash: 'XYZ', size: 1 } }),
    'InvalidEvent',
    'data.content.hash',
  ],
  [
    'content size negative',
    withData({ content: { hash: HASH, size: -1 } }),
    'InvalidEvent',
    'data.content.size',
  ],
  [
    'chunk size a string',
    withData({ content: { hash: HASH, size: 1, chunks: [{ hash: HASH, size: '1' }] } }),
    'InvalidEvent',
    'data.content.chunks.0.size',
  ],
  ['fields an array', withData({ fields: [1] }, 'file_updated'), 'InvalidEvent', 'data.fields'],
  [
    'resolves a string',
    withData({ content: null, resolves: 'x' }, 'conflict_resolved'),
    'InvalidEvent',
    'data.resolves',
  ],
  [
    'unknown top-level field',
    { ...base(), evil: true },
    'InvalidEvent',
    'evil',
    /Unrecognized key/,
  ],
  [
    'unknown field in data',
    withData({ content: { hash: HASH, size: 1 }, updates: {} }),
    'InvalidEvent',
    'data.updates',
  ],
  [
    'unknown field in content',
    withData({ content: { hash: HASH, size: 1, path: '/etc' } }),
    'InvalidEvent',
    'data.content.path',
  ],
  [
    'unknown field in a chunk',
    withData({ content: { hash: HASH, size: 1, chunks: [{ hash: HASH, size: 1, x: 1 }] } }),
    'InvalidEvent',
    'data.content.chunks.0.x',
  ],
  [
    'hlc from another node',
    { ...base(), hlc: '001714564800000-000003-phone' },
    'InvalidEvent',
    'hlc',
    /differs from node_id/,
  ],
  [
    'vector clock without its own node',
    { ...base(), vector_clock: { phone: 2 } },
    'InvalidEvent',
    'vector_clock',
    /own node/,
  ],
  [
    'file_created without content',
    withData({ fields: { mode: 420 } }),
    'InvalidEvent',
    'data.content',
  ],
  ['file_created with null content', withData({ content: null }), 'InvalidEvent', 'data.content'],
  [
    'file_deleted with content',
    withData({ content: { hash: HASH, size: 1 } }, 'file_deleted'),
    'InvalidEvent',
    'data.content',
  ],
  [
    'file_deleted with null content',
    withData({ content: null }, 'file_deleted'),
    'InvalidEvent',
    'data.content',
  ],
  ['file_updated with nothing', withData({}, 'file_updated'), 'InvalidEvent', 'data'],
  [
    'file_updated with null content',
    withData({ content: null }, 'file_updated'),
    'InvalidEvent',
    'data.content',
  ],
  [
    'conflict_resolved without content',
    withData({ resolves: ['a:1'] }, 'conflict_resolved'),
    'InvalidEvent',
    'data.content',
  ],
];

const REJECTED_CASES = REJECTED.map(([name, input, code, field, message]) => ({
  name,
  input,
  code,
  field,
  message,
}));

const HOSTILE_PATHS: readonly (readonly [string, RegExp])[] = [
  ['/etc/passwd', /absolute/],
  ['../x', /".." segment/],
  ['a/../../b', /".." segment/],
  ['a/./b', /"\." segment/],
  ['a\u0000b', /NUL/],
  ['a\ud800b', /not valid Unicode/],
  ['', /empty/],
  ['a//b', /empty segment/],
  ['a/', /empty segment/],
  ['x'.repeat(256), /longer than 255/],
];

/** Names only some platforms refuse: valid events (a receiver that can't write one lists it). */
const PLATFORM_NAMES = [
  'C:/x',
  'c:x',
  'a\u0007b',
  'a\\b',
  'cafe\u0301',
  'con.txt',
  'a/aux',
  'LPT1',
  'a/b:c',
  'a?',
  'trailing.',
  'trailing ',
];

describe(`parseEvent (seed ${FC_SEED})`, () => {
  it.each(Object.entries(VALID))(
    'accepts a valid %s event, and toWire gives it back',
    (_, input) => {
      const r = parseEvent(input);
      if (!r.ok) throw r.error;
      expect(toWire(r.value)).toEqual(input);
      expect(parseEvent(toWire(r.value))).toEqual(r);
    },
  );

  it('maps stored names to past-tense kinds', () => {
    const kinds = Object.values(VALID).map((input) => {
      const r = parseEvent(input);
      return r.ok ? r.value.kind : r.error.code;
    });
    expect(kinds).toEqual([
      'FileCreated',
      'FileUpdated',
      'FileUpdated',
      'FileDeleted',
      'ConflictResolved',
      'ConflictResolved',
    ]);
  });

  it.each(REJECTED_CASES)('rejects $name', ({ input, code, field, message }) => {
    const r = parseEvent(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect({ code: r.error.code, field: r.error.field }).toEqual({ code, field });
    expect(r.error.message).toContain(field === '(event)' ? 'event' : field.split('.').at(-1));
    if (message) expect(r.error.message).toMatch(message);
  });

  it.each(HOSTILE_PATHS)('rejects the hostile entity path %j', (path: string, message: RegExp) => {
    const r = parseEvent({ ...base(), entity_id: path });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect({ code: r.error.code, field: r.error.field }).toEqual({
      code: 'InvalidPath',
      field: 'entity_id',
    });
    expect(r.error.message).toMatch(message);
  });

  it.each(PLATFORM_NAMES)('accepts %j, a name only some platforms refuse', (path: string) => {
    const r = parseEvent({ ...base(), entity_id: path });
    if (!r.ok) throw r.error;
    expect(r.value.entityId).toBe(path);
  });

  it('rejects data over 1 MiB as PayloadTooLarge, counting UTF-8 bytes, and accepts exactly 1 MiB', () => {
    const fieldsOf = (n: number, ch = 'a') => ({ fields: { blob: ch.repeat(n) } });
    // {"fields":{"blob":"…"}} is 22 bytes of JSON around the string.
    const overhead = JSON.stringify(fieldsOf(0)).length;
    const atLimit = parseEvent(withData(fieldsOf(MAX_DATA_BYTES - overhead), 'file_updated'));
    expect(atLimit.ok).toBe(true);
    for (const data of [
      fieldsOf(MAX_DATA_BYTES - overhead + 1),
      fieldsOf(MAX_DATA_BYTES / 2, '\u00e9'),
    ]) {
      const r = parseEvent(withData(data, 'file_updated'));
      expect(r.ok).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.field]).toEqual(['PayloadTooLarge', 'data']);
    }
    // Checked before the shape, so a huge payload of junk is still "too large".
    const junk = parseEvent(withData({ junk: 'x'.repeat(MAX_DATA_BYTES) }, 'file_updated'));
    expect(junk.ok || junk.error.code).toBe('PayloadTooLarge');
  });

  it('normalizes the timestamp to UTC ISO, and parse(toWire(parse(x))) is a fixpoint', () => {
    const r = parseEvent({ ...base(), timestamp: '2024-05-01T14:00:00+02:00' });
    if (!r.ok) throw r.error;
    expect(r.value.timestamp).toBe('2024-05-01T12:00:00.000Z');
    expect(parseEvent(toWire(r.value))).toEqual(r);
  });

  it('every simulated event round-trips through its wire form', () => {
    check(
      fc.property(configArb({ maxOps: 20 }), (config) => {
        for (const event of simulate(config).events) {
          const wire = JSON.parse(JSON.stringify(toWire(event))) as EventWire;
          expect(parseEvent(wire)).toEqual({ ok: true, value: event });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never throws, whatever the input', () => {
    const fieldArb = fc.constantFrom(...Object.keys(base()), 'evil');
    check(
      fc.property(
        fc.dictionary(fieldArb, fc.jsonValue({ maxDepth: 3 })),
        fc.boolean(),
        (patch, keepBase) => {
          const input = keepBase ? { ...base(), ...patch } : patch;
          const r = parseEvent(input);
          if (!r.ok) expect(r.error.field).toBeTypeOf('string');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
