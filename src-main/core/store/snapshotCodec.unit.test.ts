import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { FileEntity, type FileEntityJson } from '../../../src-shared/crdt/fileEntity.js';
import { canonicalJson, type Json } from '../../../src-shared/json.js';
import { configArb, simulate } from '../../../test/support/crdtSimulation.js';
import { checkProperty, FC_SEED, PROPERTY_TIMEOUT_MS } from '../../../test/support/fastCheck.js';
import { decodeSnapshotState, encodeSnapshotState } from './snapshotCodec.js';

const check = checkProperty(import.meta.url);
vi.setConfig({ testTimeout: PROPERTY_TIMEOUT_MS });

/** What a row holds after the store: JSON text in, JSON text out. */
const stored = (state: unknown) => JSON.parse(JSON.stringify(state)) as never;

const HASH = '555f5942759c2f2a8b553b186508637a7f90fd7f745a97fcc678e3b3cf0a9d93';
const OTHER = 'a196376b39edbd6297346ff17968e17264a1274fd995b373a2bf8b64632bd46a';
const HLC_A = '001796537375630-000012-a-6adbdf2e';
const HLC_B = '001796537380000-000000-b-11112222';

/** A file scanned once on device a: the plain form a device store held for it (copied from one). */
const scannedOnce: FileEntityJson = {
  entityId: 'd0000/f000.txt',
  clock: { 'a-6adbdf2e': 1 },
  fields: {
    mode: { hlc: { nodeId: 'a-6adbdf2e', wallMs: 1796537375630, counter: 12 }, value: 420 },
    mtimeMs: {
      hlc: { nodeId: 'a-6adbdf2e', wallMs: 1796537375630, counter: 12 },
      value: 1796537344281.2124,
    },
  },
  versions: [
    {
      id: '955dce79-84d7-46dc-8f03-66799c54f8ff',
      hlc: HLC_A,
      clock: { 'a-6adbdf2e': 1 },
      value: { hash: HASH, size: 1574, chunks: [{ hash: HASH, size: 1574 }] },
      nodeId: 'a-6adbdf2e',
      mtimeMs: 1796537344281.2124,
      timestamp: '2026-12-06T06:09:35.630Z',
    },
  ],
  nodeHeads: { 'a-6adbdf2e': [1, HLC_A] },
  lastChange: {
    hlc: HLC_A,
    nodeId: 'a-6adbdf2e',
    eventId: '955dce79-84d7-46dc-8f03-66799c54f8ff',
    timestamp: '2026-12-06T06:09:35.630Z',
  },
};

/** Two devices wrote it at once (a conflict), then a changed mode on b: nothing derivable but the versions. */
const conflictThenMode: FileEntityJson = {
  entityId: 'notes.txt',
  clock: { 'a-6adbdf2e': 1, 'b-11112222': 2 },
  fields: {
    mode: { hlc: { nodeId: 'b-11112222', wallMs: 1796537390000, counter: 0 }, value: 384 },
  },
  versions: [
    {
      id: 'e-a',
      hlc: HLC_A,
      clock: { 'a-6adbdf2e': 1 },
      value: { hash: HASH, size: 10, chunks: [{ hash: HASH, size: 10 }] },
      nodeId: 'a-6adbdf2e',
      timestamp: '2026-12-06T06:09:35.630Z',
    },
    {
      id: 'e-b',
      hlc: HLC_B,
      clock: { 'b-11112222': 1 },
      // Two chunks: kept as written.
      value: {
        hash: OTHER,
        size: 5_000_000,
        chunks: [
          { hash: HASH, size: 4_194_304 },
          { hash: OTHER, size: 805_696 },
        ],
      },
      nodeId: 'b-11112222',
      mtimeMs: 1796537379000,
      // Not the HLC's wall time (a peer's own clock): kept.
      timestamp: '2026-12-06T06:09:39.999Z',
    },
  ],
  nodeHeads: { 'a-6adbdf2e': [1, HLC_A], 'b-11112222': [1, HLC_B] },
  lastChange: {
    hlc: '001796537390000-000000-b-11112222',
    nodeId: 'b-11112222',
    eventId: 'e-mode',
    timestamp: '2026-12-06T06:09:50.000Z',
  },
};

describe('snapshot state packing', () => {
  it('packs a file scanned once to its versions and fields, leaving out what they imply', () => {
    expect(stored(encodeSnapshotState(scannedOnce))).toEqual({
      p: 1,
      v: [
        [
          '955dce79-84d7-46dc-8f03-66799c54f8ff',
          HLC_A,
          { 'a-6adbdf2e': 1 },
          [HASH, 1574],
          1796537344281.2124,
        ],
      ],
      f: { mode: [0, 420], mtimeMs: [0, 1796537344281.2124] },
    });
    const packedBytes = JSON.stringify(encodeSnapshotState(scannedOnce)).length;
    expect(packedBytes).toBeLessThan(JSON.stringify(scannedOnce).length / 2);
  });

  /** The entity a stored state decodes to, in its plain form. */
  const entityOf = (packed: unknown, entityId: string) =>
    FileEntity.fromJSON(decodeSnapshotState(stored(packed), entityId)).toJSON();

  it('unpacks to the very state it packed', () => {
    for (const state of [scannedOnce, conflictThenMode])
      expect(entityOf(encodeSnapshotState(state), state.entityId)).toEqual(state);
  });

  it('keeps what the versions do not imply: other clock, heads, last change, timestamp, chunks', () => {
    expect(stored(encodeSnapshotState(conflictThenMode))).toEqual({
      p: 1,
      v: [
        ['e-a', HLC_A, { 'a-6adbdf2e': 1 }, [HASH, 10], null],
        [
          'e-b',
          HLC_B,
          { 'b-11112222': 1 },
          conflictThenMode.versions[1]?.value,
          1796537379000,
          { t: '2026-12-06T06:09:39.999Z' },
        ],
      ],
      f: { mode: ['001796537390000-000000-b-11112222', 384] },
      c: { 'a-6adbdf2e': 1, 'b-11112222': 2 },
      l: conflictThenMode.lastChange,
    });
  });

  it('keeps a node id other than the HLC’s, a tombstone, and a state with no change', () => {
    const odd: FileEntityJson = {
      entityId: 'x',
      clock: {},
      fields: {},
      versions: [
        {
          id: 'del',
          hlc: HLC_A,
          clock: { z: 1 },
          value: null,
          nodeId: 'z',
          timestamp: '2026-12-06T06:09:35.630Z',
        },
      ],
      nodeHeads: { z: [1, HLC_A] },
      lastChange: null,
    };
    const packed = stored(encodeSnapshotState(odd));
    expect(packed).toEqual({
      p: 1,
      v: [['del', HLC_A, { z: 1 }, null, null, { n: 'z' }]],
      f: {},
      c: {},
      l: null,
    });
    expect(entityOf(packed, 'x')).toEqual(odd);
  });

  it('stores a state with a shape it does not know as it is', () => {
    const newer = { ...scannedOnce, labels: ['red'] } as unknown as FileEntityJson;
    expect(encodeSnapshotState(newer)).toBe(newer);
    const badHlc = {
      ...scannedOnce,
      versions: [{ ...scannedOnce.versions[0], hlc: 'not an hlc' }],
    } as unknown as FileEntityJson;
    expect(encodeSnapshotState(badHlc)).toBe(badHlc);
    const oddField = {
      ...scannedOnce,
      fields: { mode: { hlc: { nodeId: 'a', wallMs: 1.5, counter: 0 }, value: 1 } },
    } as FileEntityJson;
    const packed = stored(encodeSnapshotState(oddField));
    expect((packed as { f: unknown }).f).toEqual(oddField.fields);
    expect(entityOf(packed, scannedOnce.entityId)).toEqual(oddField);
  });

  it('reads a state stored before packing as it is', () => {
    expect(decodeSnapshotState(stored(scannedOnce), 'ignored')).toEqual(scannedOnce);
  });

  it(`gives back the same entity for every simulated history (seed ${FC_SEED})`, () => {
    check(
      fc.property(fc.tuple(configArb({ maxOps: 40 }), fc.nat()), ([config]) => {
        const history = simulate(config);
        for (const device of history.devices)
          for (const [entityId, entity] of device.entities) {
            const plain = entity.toJSON();
            const back = decodeSnapshotState(stored(encodeSnapshotState(plain)), entityId);
            const again = FileEntity.fromJSON(back).toJSON();
            if (canonicalJson(again as unknown as Json) !== canonicalJson(plain as unknown as Json))
              expect(again).toEqual(plain);
          }
      }),
    );
  });
});
