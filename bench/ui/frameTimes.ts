/**
 * Frame times from a Chromium performance trace (what DevTools' Performance panel shows as
 * frames): each `PipelineReporter` async slice is one frame of a compositor; a slice whose
 * state is STATE_PRESENTED_* reached the screen, STATE_DROPPED did not. Frame time is the
 * interval between consecutive presented frames of the page's renderer process.
 */

export interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly ts: number;
  readonly id2?: { readonly local?: string };
  readonly args?: Record<string, unknown>;
}

export interface FrameStats {
  /** Frames presented in the window. */
  readonly frames: number;
  readonly dropped: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Share of intervals longer than one 60 Hz frame (16.7 ms) plus a 2 ms tolerance. */
  readonly slowShare: number;
}

const PRESENTED = new Set(['STATE_PRESENTED_ALL', 'STATE_PRESENTED_PARTIAL']);

function frameState(event: TraceEvent): string | undefined {
  const reporter = event.args?.['frame_reporter'] as { state?: string } | undefined;
  return reporter?.state;
}

/** The renderer process of the page: the one whose compositor reported the most frames. */
export function rendererPid(
  events: readonly TraceEvent[],
  browserPid?: number,
): number | undefined {
  const counts = new Map<number, number>();
  for (const e of events) {
    if (e.name !== 'PipelineReporter' || e.ph !== 'b' || e.pid === browserPid) continue;
    const state = frameState(e);
    if (state && (PRESENTED.has(state) || state === 'STATE_DROPPED'))
      counts.set(e.pid, (counts.get(e.pid) ?? 0) + 1);
  }
  let best: number | undefined;
  for (const [pid, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = pid;
  return best;
}

export function frameStats(events: readonly TraceEvent[], pid: number): FrameStats {
  const begins = new Map<string, TraceEvent>();
  const presentedEnds: number[] = [];
  let dropped = 0;
  for (const e of events) {
    if (e.name !== 'PipelineReporter' || e.pid !== pid) continue;
    const key = `${e.pid}:${e.id2?.local ?? ''}`;
    if (e.ph === 'b') {
      begins.set(key, e);
    } else if (e.ph === 'e') {
      const begin = begins.get(key);
      begins.delete(key);
      const state = begin ? frameState(begin) : undefined;
      if (state === 'STATE_DROPPED') dropped += 1;
      else if (state && PRESENTED.has(state)) presentedEnds.push(e.ts);
    }
  }
  presentedEnds.sort((a, b) => a - b);
  const intervals: number[] = [];
  for (let i = 1; i < presentedEnds.length; i++)
    intervals.push(((presentedEnds[i] ?? 0) - (presentedEnds[i - 1] ?? 0)) / 1000);
  intervals.sort((a, b) => a - b);
  const at = (q: number) =>
    intervals[Math.min(intervals.length - 1, Math.floor(q * intervals.length))] ?? NaN;
  return {
    frames: presentedEnds.length,
    dropped,
    medianMs: at(0.5),
    p95Ms: at(0.95),
    maxMs: intervals[intervals.length - 1] ?? NaN,
    slowShare:
      intervals.length === 0
        ? NaN
        : intervals.filter((d) => d > 1000 / 60 + 2).length / intervals.length,
  };
}
