/**
 * The crash test's checks themselves: each must report the breakage it exists for (a seq gap, a
 * reused seq, a lost or extra file, a temp file, a conflict without its copy), and pass what the
 * spec allows. Expected values are written out by hand.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Prng } from '../convergence/prng.js';
import { planKills, victimOf } from './support/killPlan.js';
import { crossStoreProblems, seqProblems, type EventKey } from './support/storeChecks.js';
import { FolderModel, planWork, type FileBody, type RoundWork } from './support/workload.js';

const key = (nodeId: string, seq: number, eventId = `${nodeId}-${seq}`): EventKey => ({
  nodeId,
  seq,
  eventId,
});

describe('seqProblems', () => {
  it('passes 1..n per origin, in any order', () => {
    expect(seqProblems('a', [key('x', 2), key('y', 1), key('x', 1), key('x', 3)])).toEqual([]);
  });

  it('reports a gap, a repeated seq and a seq with two event ids', () => {
    expect(seqProblems('a', [key('x', 1), key('x', 3)])).toEqual([
      'a: origin x has 2 events, 2 distinct seqs, 2 event ids, max seq 3; missing seqs 2',
    ]);
    expect(seqProblems('a', [key('x', 1), key('x', 2, 'e'), key('x', 2, 'f')])).toEqual([
      'a: origin x has 3 events, 2 distinct seqs, 3 event ids, max seq 2',
    ]);
    expect(seqProblems('hub', [key('y', 2), key('y', 3)])).toEqual([
      'hub: origin y has 2 events, 2 distinct seqs, 2 event ids, max seq 3; missing seqs 1',
    ]);
  });
});

describe('crossStoreProblems', () => {
  it('passes stores that agree where they overlap', () => {
    expect(
      crossStoreProblems([
        { label: 'hub', keys: [key('x', 1), key('x', 2)] },
        { label: 'a', keys: [key('x', 1), key('x', 2), key('x', 3)] },
      ]),
    ).toEqual([]);
  });

  it('reports a seq given to another event after a crash, and an event under two seqs', () => {
    expect(
      crossStoreProblems([
        { label: 'hub', keys: [key('x', 1, 'e1'), key('x', 2, 'e2')] },
        { label: 'a', keys: [key('x', 1, 'e1'), key('x', 2, 'e3'), key('x', 3, 'e2')] },
      ]),
    ).toEqual(['seq reused: x#2 is e2 on hub but e3 on a', 'event e2 is x#2 on hub but x#3 on a']);
  });
});

const file = (path: string, text: string): FileBody => {
  const bytes = Buffer.from(text);
  return { path, bytes, hash: createHash('sha256').update(bytes).digest('hex') };
};
const entry = (f: FileBody) => `file ${f.hash} -`;
const work = (w: Partial<RoundWork>): RoundWork => ({
  writes: [],
  deletes: [],
  concurrent: [],
  ...w,
});

describe('FolderModel', () => {
  const one = file('s0/f000.txt', 'one');
  const two = file('s0/f001.txt', 'two');
  const mine = file('s0/f000.txt', 'mine');
  const theirs = file('s0/f000.txt', 'theirs');
  const copy = 's0/f000.conflict-b-1a2b3c4d-20261204-225317.txt';

  it('wants every written file at its content, deleted ones gone, nothing else', () => {
    const model = new FolderModel();
    model.apply(work({ writes: [one, two] }));
    model.apply(work({ deletes: [two.path] }));
    expect(model.problems('a', { s0: 'dir', [one.path]: entry(one) })).toEqual([]);
    expect(
      model.problems('a', {
        s0: 'dir',
        [two.path]: entry(two),
        's0/.ng-tmp-0123456789ab-1': entry(one),
      }),
    ).toEqual([
      `a: s0/f000.txt is missing, expected ${entry(one)}`,
      'a: unexpected file s0/f001.txt',
      'a: temp file s0/.ng-tmp-0123456789ab-1 left',
    ]);
  });

  it('wants a file changed on both devices as one version at the path and the other as its copy', () => {
    const model = new FolderModel();
    model.apply(work({ writes: [one] }));
    model.apply(work({ concurrent: [{ writer: mine, other: theirs }] }));
    const settled = { s0: 'dir', [one.path]: entry(mine), [copy]: entry(theirs) };
    expect(model.problems('a', settled)).toEqual([]);
    // Either version may win.
    expect(
      model.problems('a', { ...settled, [one.path]: entry(theirs), [copy]: entry(mine) }),
    ).toEqual([]);
    expect(model.problems('a', { s0: 'dir', [one.path]: entry(mine) })).toEqual([
      `a: s0/f000.txt (changed on both devices) has conflict copies [], expected one holding ${entry(theirs)}`,
    ]);
    expect(model.problems('a', { ...settled, [copy]: entry(mine) })).toEqual([
      `a: s0/f000.txt (changed on both devices) has conflict copies [${copy}: ${entry(mine)}], expected one holding ${entry(theirs)}`,
    ]);
  });

  it('keeps a settled copy as an ordinary file, apart from the copy of a later conflict', () => {
    const model = new FolderModel();
    model.apply(work({ writes: [one] }));
    model.apply(work({ concurrent: [{ writer: mine, other: theirs }] }));
    model.settle({ s0: 'dir', [one.path]: entry(mine), [copy]: entry(theirs) });
    const again = file(one.path, 'again');
    const later = file(one.path, 'later');
    model.apply(work({ concurrent: [{ writer: again, other: later }] }));
    const laterCopy = 's0/f000.conflict-a-5e6f7a8b-20261204-230000.txt';
    expect(
      model.problems('b', {
        s0: 'dir',
        [one.path]: entry(later),
        [copy]: entry(theirs),
        [laterCopy]: entry(again),
      }),
    ).toEqual([]);
  });
});

describe('planWork', () => {
  it('leaves retired paths alone and edits on both devices only files both hold', () => {
    const existing = ['s0/f000.txt', 's0/f001.txt', 's1/f000.txt', 's1/f001.txt'];
    const retired = new Set(['s0/f000.txt', 's1/f001.txt']);
    for (let seed = 0; seed < 5; seed += 1) {
      const w = planWork(new Prng(seed), 1, { existing, retired }, { concurrent: true });
      const touched = [
        ...w.writes.map((f) => f.path),
        ...w.deletes,
        ...w.concurrent.map((c) => c.writer.path),
      ];
      expect(touched.filter((p) => retired.has(p))).toEqual([]);
      for (const c of w.concurrent) expect(['s0/f001.txt', 's1/f000.txt']).toContain(c.other.path);
      expect(new Set(touched).size).toBe(touched.length);
    }
  });
});

describe('planKills', () => {
  it('aims at each phase equally often, checks the orphan once, and repeats for a seed', () => {
    const plan = planKills(new Prng(7), 24);
    const count = (phase: string) => plan.filter((p) => p.phase === phase).length;
    expect([count('scan'), count('push'), count('pull'), count('materialize')]).toEqual([
      6, 6, 6, 6,
    ]);
    expect(plan.filter((p) => p.orphanCheck)).toHaveLength(1);
    expect(planKills(new Prng(7), 24)).toEqual(plan);
    for (const p of plan)
      expect(victimOf(p)).toBe(p.phase === 'scan' || p.phase === 'push' ? p.writer : 1 - p.writer);
  });
});
