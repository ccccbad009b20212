import { describe, expect, it } from 'vitest';
import { caseVariant, generateOps } from './generator.js';
import { ALL_KINDS, contentBytes, kindOf, opSchema, sha256, type Op } from './ops.js';
import { enabledKinds } from './switches.js';

/**
 * The generator is a pure function of its seed (what makes a seed replayable), it
 * emits only ops the fixture schema accepts, every stop and outage ends before a
 * quiescence, and a kind switched off is never drawn.
 */

const types = (ops: readonly Op[]) => new Set(ops.map((o) => o.t));

describe('folder op generator', () => {
  it('gives the same list for the same seed and another for another seed', () => {
    expect(generateOps(7, { ops: 80 })).toEqual(generateOps(7, { ops: 80 }));
    expect(generateOps(7, { ops: 80 })).not.toEqual(generateOps(8, { ops: 80 }));
  });

  it('emits valid ops, and draws every kind over a few seeds', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 10; seed += 1) {
      for (const op of generateOps(seed, { ops: 100 })) {
        expect(opSchema.safeParse(op).success, JSON.stringify(op)).toBe(true);
        seen.add(kindOf(op) ?? op.t);
      }
    }
    expect([...seen].sort()).toEqual([...ALL_KINDS, 'quiesce'].sort());
  });

  it('ends every stop and outage before a quiescence and at the end', () => {
    for (let seed = 0; seed < 20; seed += 1) {
      const ops = generateOps(seed, { ops: 120 });
      expect(ops.at(-1)).toEqual({ t: 'quiesce' });
      const stopped = new Set<number>();
      let hubDown = false;
      for (const op of ops) {
        if (op.t === 'stop') stopped.add(op.d);
        if (op.t === 'start') stopped.delete(op.d);
        if (op.t === 'hubDown') hubDown = true;
        if (op.t === 'hubUp') hubDown = false;
        if (op.t === 'quiesce')
          expect({ seed, stopped: [...stopped], hubDown }).toEqual({
            seed,
            stopped: [],
            hubDown: false,
          });
      }
    }
  });

  it('never draws a kind that is switched off', () => {
    const enabled = enabledKinds('dirToFile,fileToDir,caseRename,outage');
    for (let seed = 0; seed < 10; seed += 1) {
      const drawn = types(generateOps(seed, { ops: 100, enabled }));
      for (const t of ['dirToFile', 'fileToDir', 'caseRename', 'hubDown', 'hubUp'] as const)
        expect(drawn.has(t), `${t} in seed ${seed}`).toBe(false);
    }
  });

  it('refuses an unknown kind in FOLDER_OPS_OFF', () => {
    expect(() => enabledKinds('dirToFile,chmode')).toThrow(/unknown op kind "chmode"/);
    expect(enabledKinds('').size).toBe(ALL_KINDS.length);
  });
});

describe('case variants', () => {
  it('change only the case of the last segment', () => {
    expect(caseVariant('Readme.md', 0)).toBe('README.md');
    expect(caseVariant('Readme.md', 1)).toBe('readme.md');
    expect(caseVariant('a/b/notes.txt', 0)).toBe('a/b/NOTES.txt');
    expect(caseVariant('docs', 0)).toBe('DOCS');
    expect(caseVariant('docs', 1)).toBe('Docs');
    expect(caseVariant('a/café.txt', 0)).toBe('a/CAFÉ.txt');
  });
});

describe('contents', () => {
  it('are made from (size, fill) alone, and differ by fill', () => {
    const a = contentBytes({ size: 300, fill: 1 });
    expect(a).toHaveLength(300);
    expect(sha256(a)).toBe(sha256(contentBytes({ size: 300, fill: 1 })));
    expect(sha256(a)).not.toBe(sha256(contentBytes({ size: 300, fill: 2 })));
    expect(contentBytes({ size: 0, fill: 9 })).toHaveLength(0);
    expect(a.subarray(0, 17).toString()).toBe('ng-harness fill 1');
  });
});
