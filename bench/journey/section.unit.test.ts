import { describe, expect, it } from 'vitest';
import { JOURNEY_HEADING, journeyMarkdown, journeyRows } from './section.js';

const TIMES = {
  finishedAt: '2026-12-06T15:28:01.229Z',
  totalMs: 20_000,
  steps: [
    { name: 'create a hub on this computer', ms: 4_000 },
    { name: 'see them synced on the desktop', ms: 150 },
  ],
  syncRoundMs: 250,
  syncRoundSamplesMs: [310, 250, 240],
};

describe('the journey section', () => {
  it('gives each step and the whole journey in seconds and in sync rounds of the same run', () => {
    expect(journeyRows(TIMES)).toEqual([
      ['create a hub on this computer', '4.00 s', '16.0×'],
      ['see them synced on the desktop', '0.15 s', '0.6×'],
      ['the whole journey', '20.00 s', '80.0×'],
      ['baseline: one sync round, laptop → desktop (median of 3)', '0.25 s', '1.0×'],
    ]);
  });

  it('is a BENCHMARKS.md section under its heading, saying when it was measured', () => {
    const markdown = journeyMarkdown(TIMES);
    expect(markdown.startsWith(`${JOURNEY_HEADING}\n`)).toBe(true);
    expect(markdown).toContain('The journey took 20.00 s, 80.0× the same run');
    expect(markdown).toContain('the median of 3 rounds (0.31 s, 0.25 s, 0.24 s)');
    expect(markdown).toContain('Measured 2026-12-06T15:28:01.229Z.');
  });
});
