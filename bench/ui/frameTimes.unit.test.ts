import { describe, expect, it } from 'vitest';
import { frameStats, rendererPid, type TraceEvent } from './frameTimes.js';

/** One PipelineReporter slice: begin at `ts` ms, end at `end` ms (trace timestamps are µs). */
function frame(pid: number, id: number, ts: number, end: number, state: string): TraceEvent[] {
  const args = { frame_reporter: { state } };
  return [
    { name: 'PipelineReporter', ph: 'b', pid, ts: ts * 1000, id2: { local: `0x${id}` }, args },
    { name: 'PipelineReporter', ph: 'e', pid, ts: end * 1000, id2: { local: `0x${id}` } },
  ];
}

describe('frame times from a trace', () => {
  it('measures intervals between presented frames and counts dropped ones', () => {
    const events = [
      ...frame(7, 1, 0, 10, 'STATE_PRESENTED_ALL'),
      ...frame(7, 2, 16, 26, 'STATE_PRESENTED_ALL'),
      ...frame(7, 3, 33, 43, 'STATE_DROPPED'),
      ...frame(7, 4, 50, 76, 'STATE_PRESENTED_PARTIAL'),
      ...frame(7, 5, 80, 92, 'STATE_NO_UPDATE_DESIRED'),
      // Another process (the browser's own UI) is not the page.
      ...frame(1, 1, 0, 500, 'STATE_PRESENTED_ALL'),
    ];
    const stats = frameStats(events, 7);
    expect(stats.frames).toBe(3);
    expect(stats.dropped).toBe(1);
    expect(stats.medianMs).toBe(50);
    expect(stats.maxMs).toBe(50);
    expect(stats.slowShare).toBe(0.5);
  });

  it('finds the renderer as the process with the most frames, ignoring the browser', () => {
    const events = [
      ...frame(1, 1, 0, 5, 'STATE_PRESENTED_ALL'),
      ...frame(1, 2, 5, 9, 'STATE_PRESENTED_ALL'),
      ...frame(1, 3, 9, 12, 'STATE_PRESENTED_ALL'),
      ...frame(9, 1, 0, 5, 'STATE_PRESENTED_ALL'),
      ...frame(9, 2, 0, 5, 'STATE_DROPPED'),
    ];
    expect(rendererPid(events)).toBe(1);
    expect(rendererPid(events, 1)).toBe(9);
    expect(rendererPid([])).toBeUndefined();
  });
});
