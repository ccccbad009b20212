import { describe, expect, it } from 'vitest';
import { isOurTempName, isTempInFlight, nextTempName, releaseTemp } from './tempFiles.js';

describe('temp names', () => {
  it('pins which names are ours (the start-up clean-up removes exactly these)', () => {
    // nextTempName's form, and the same without a counter (older versions' other writers).
    expect(isOurTempName('.ng-tmp-0123456789ab-0')).toBe(true);
    expect(isOurTempName('.ng-tmp-0123456789ab-1z9')).toBe(true);
    // The folder's case probe, which a kill can leave too.
    expect(isOurTempName('.ng-tmp-case-probe-0123456789ab-\u00e9')).toBe(true);
    expect(isOurTempName('.ng-tmp-case-probe-notes-\u00e9')).toBe(false);
    expect(isOurTempName('.ng-tmp-abcdef012345')).toBe(true);
    // A user's files that merely look similar.
    expect(isOurTempName('.ng-tmp-notours')).toBe(false);
    expect(isOurTempName('.ng-tmp-notes.txt')).toBe(false);
    expect(isOurTempName('x.ng-tmp-abc')).toBe(false);
    expect(isOurTempName('x.ng-tmp-0123456789ab-1')).toBe(false);
    expect(isOurTempName('.ng-tmp-0123456789AB-1')).toBe(false);
    expect(isOurTempName('.ng-tmp-0123456789a-1')).toBe(false);
    expect(isOurTempName('.ng-tmp-0123456789ab-')).toBe(false);
    expect(isOurTempName('.ng-tmp-0123456789ab-1.txt')).toBe(false);
    expect(isOurTempName('.ng-tmp-12345-1733350000000')).toBe(false);
  });

  it('gives a new name each time, always one of ours', () => {
    const names = Array.from({ length: 100 }, () => nextTempName());
    expect(new Set(names).size).toBe(100);
    for (const name of names) expect(isOurTempName(name)).toBe(true);
  });
});

describe('temp names in flight', () => {
  it('is in flight from the name being drawn until its write releases it, by path or by name', () => {
    const a = nextTempName();
    const b = nextTempName();
    expect(isTempInFlight(a)).toBe(true);
    expect(isTempInFlight(b)).toBe(true);
    releaseTemp(`/some/folder/${a}`);
    expect(isTempInFlight(a)).toBe(false);
    expect(isTempInFlight(b)).toBe(true);
    releaseTemp(b);
    expect(isTempInFlight(b)).toBe(false);
  });

  it('never holds a name this process did not draw', () => {
    expect(isTempInFlight('.ng-tmp-0123456789ab-0')).toBe(false);
  });
});
