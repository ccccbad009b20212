import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configArb, simulate } from '../../test/support/crdtSimulation.js';
import { checkProperty, FC_SEED, PROPERTY_TIMEOUT_MS } from '../../test/support/fastCheck.js';
import {
  MAX_DATA_BYTES,
  parseEvent,
  parseEventWithSchema,
  parsePlainEvent,
  toWire,
} from './eventSchema.js';

const check = checkProperty(import.meta.url);

const HASH = 'ab'.repeat(32);

/** Mostly `valid`, sometimes `bent`: each event has a good chance to be valid in full. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, bent: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: bent, weight: 1 });

/** Strings near the edges of what the schema's rules accept. */
const edgyString = fc.oneof(
  fc.constantFrom('', 'a', 'A-1', '_x', '.x', 'x'.repeat(64), 'x'.repeat(65), '__proto__', 'é'),
  fc.constantFrom('x'.repeat(128), 'x'.repeat(129), 'docs/a.txt', 'a//b', '../a', 'con.txt', 'a '),
  fc.string({ maxLength: 8 }),
);

const timestamp = mostly(
  // toISOString of any time in years 0000-9999.
  fc
    .integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 })
    .map((ms) => new Date(ms).toISOString()),
  fc.oneof(
    // Outside 0000-9999, toISOString writes a sign and six digits.
    fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms).toISOString()),
    fc.constantFrom(
      '2024-02-29T00:00:00.000Z',
      '2023-02-29T00:00:00.000Z',
      '2024-05-01T12:00:00Z',
      '2024-05-01T14:00:00.000+02:00',
      '2024-05-01T12:00:00.1234Z',
      '2024-13-01T12:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '2024-05-01 12:00:00.000Z',
    ),
  ),
);

const size = mostly(
  fc.nat(),
  fc.constantFrom(-1, 0.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, NaN, -0, '1'),
);
const hash = mostly(fc.constant(HASH), fc.constantFrom(HASH.toUpperCase(), 'ab', `${HASH}a`, 1));

const contentArb = mostly(
  fc.record(
    {
      hash,
      size,
      chunks: fc.array(mostly(fc.record({ hash, size }), fc.anything({ maxDepth: 1 })), {
        maxLength: 3,
      }),
    },
    { requiredKeys: ['hash', 'size'] },
  ),
  fc.oneof(fc.constant(null), fc.constant(undefined), fc.anything({ maxDepth: 2 })),
);

const fieldsArb = mostly(
  fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), {
    maxKeys: 4,
  }),
  fc.dictionary(edgyString, fc.anything({ maxDepth: 2 }), { maxKeys: 3 }),
);

const resolvesArb = fc.array(mostly(fc.string({ minLength: 1, maxLength: 8 }), edgyString), {
  maxLength: 3,
});

/** Valid data for each kind, mostly; anything now and then. */
const dataFor = (type: string) => {
  const valid =
    type === 'file_deleted'
      ? fc.record({ fields: fieldsArb }, { requiredKeys: [] })
      : type === 'file_updated'
        ? fc.record({ content: contentArb, fields: fieldsArb }, { requiredKeys: ['content'] })
        : fc.record(
            { content: contentArb, fields: fieldsArb, resolves: resolvesArb },
            { requiredKeys: ['content'] },
          );
  const bent = fc.oneof(
    fc.record(
      {
        content: contentArb,
        fields: fieldsArb,
        resolves: resolvesArb,
        evil: fc.anything({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
    fc.anything({ maxDepth: 2 }),
  );
  return mostly(valid, bent);
};

/** Mostly valid events with some fields bent, so both paths and both outcomes are exercised. */
const eventArb = fc
  .record({
    event_id: mostly(fc.uuid(), fc.oneof(fc.constantFrom('x'.repeat(129), '-x'), edgyString)),
    space_id: mostly(fc.constant('space-1'), edgyString),
    entity_id: mostly(fc.constantFrom('docs/report.txt', 'a.txt'), edgyString),
    typed: mostly(
      fc.constantFrom('file_created', 'file_updated', 'file_deleted', 'conflict_resolved'),
      fc.constantFrom('x', 'FileCreated', ''),
    ).chain((type) => fc.tuple(fc.constant(type), dataFor(type))),
    timestamp,
    hlc: mostly(
      fc.constant('001714564800000-000003-laptop'),
      fc.constantFrom('1-2-laptop', '001714564800000-000003-phone', `${'x'.repeat(190)}-laptop`),
    ),
    node_id: mostly(fc.constant('laptop'), edgyString),
    seq: mostly(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, -1, 1.5, 2 ** 53, '3')),
    vector_clock: mostly(
      fc.constant({ laptop: 7, phone: 2 }),
      fc.dictionary(edgyString, fc.oneof(fc.integer({ min: -1, max: 9 }), fc.double()), {
        maxKeys: 3,
      }),
    ),
    extra: mostly(fc.constant(null), fc.anything({ maxDepth: 1 })),
    drop: mostly(fc.constant(null), fc.constantFrom('event_id', 'data', 'seq', 'vector_clock')),
  })
  .map(({ typed: [event_type, data], extra, drop, ...e }) => {
    const out: Record<string, unknown> = { ...e, event_type, data };
    if (extra !== null) out['evil'] = extra;
    if (drop !== null) delete out[drop];
    return out;
  });

describe(`parseEvent's fast path (seed ${FC_SEED})`, () => {
  it(
    'gives exactly the schema outcome on bent events',
    () => {
      let taken = 0;
      let valid = 0;
      check(
        fc.property(eventArb, (input) => {
          const schema = parseEventWithSchema(input);
          expect(parseEvent(input)).toEqual(schema);
          const fast = parsePlainEvent(input);
          if (fast) expect(schema).toEqual({ ok: true, value: fast });
          if (fast) taken += 1;
          if (schema.ok) valid += 1;
        }),
        { numRuns: 3000 },
      );
      // The generator reaches both paths: valid events, most of them taken by the fast path.
      expect(valid).toBeGreaterThan(300);
      expect(taken).toBeGreaterThan(valid * 0.8);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('takes every simulated event, as the schema does', () => {
    check(
      fc.property(configArb({ maxOps: 20 }), (config) => {
        for (const event of simulate(config).events) {
          const wire = JSON.parse(JSON.stringify(toWire(event))) as unknown;
          expect(parsePlainEvent(wire)).toEqual(event);
          expect(parseEventWithSchema(wire)).toEqual({ ok: true, value: event });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('returns fresh objects, never the caller’s', () => {
    const content = { hash: HASH, size: 3, chunks: [{ hash: HASH, size: 3 }] };
    const fields = { tags: ['a'], meta: { x: 1 } };
    const input = {
      event_id: 'e1',
      space_id: 's',
      entity_id: 'a.txt',
      event_type: 'file_created',
      data: { fields, content },
      timestamp: '2024-05-01T12:00:00.000Z',
      hlc: '001714564800000-000003-n',
      node_id: 'n',
      seq: 1,
      vector_clock: { n: 1 },
    };
    const fast = parsePlainEvent(input);
    expect(parseEventWithSchema(input)).toEqual({ ok: true, value: fast });
    expect(fast?.data.content).not.toBe(content);
    expect(fast?.data.content?.chunks?.[0]).not.toBe(content.chunks[0]);
    expect(fast?.data.fields).not.toBe(fields);
    expect(fast?.data.fields?.['meta']).not.toBe(fields.meta);
    expect(fast?.vectorClock).not.toBe(input.vector_clock);
  });

  it('leaves payloads near the size limit to the schema’s count', () => {
    const at = (n: number, ch: string) => ({
      event_id: 'e1',
      space_id: 's',
      entity_id: 'a.txt',
      event_type: 'file_updated',
      data: { fields: { blob: ch.repeat(n) } },
      timestamp: '2024-05-01T12:00:00.000Z',
      hlc: '001714564800000-000003-n',
      node_id: 'n',
      seq: 1,
      vector_clock: { n: 1 },
    });
    const overhead = JSON.stringify({ fields: { blob: '' } }).length;
    for (const input of [
      at(MAX_DATA_BYTES - overhead, 'a'),
      at(MAX_DATA_BYTES - overhead + 1, 'a'),
      at(Math.floor((MAX_DATA_BYTES - overhead) / 2), 'é'),
      at(Math.floor((MAX_DATA_BYTES - overhead) / 2) + 1, 'é'),
    ])
      expect(parseEvent(input)).toEqual(parseEventWithSchema(input));
  });
});
