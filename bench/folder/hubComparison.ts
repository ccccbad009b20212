/**
 * The hub service against direct SQL (the hub service issue's point 7): the in-process scenarios
 * run on a pair of devices through each, and so do the two daemons of (a) and (e) (through a
 * `hub start` process, and direct SQL), in the same run, on the same tree; every service figure
 * is divided by the direct-SQL one (above 1× the service is slower or sends more, below 1× faster
 * or less). Rows are plain cells for the text and markdown tables.
 */
import { formatMs } from '../report.js';
import type { DaemonSyncResult } from './daemonSync.js';
import type { FolderResults, InProcessResults } from './folderSuite.js';

export const HUB_COMPARISON_HEADER = [
  'metric',
  'direct SQL (baseline)',
  'hub service',
  'service ÷ direct',
  'load direct / service',
];

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const ratio = (service: number, direct: number) =>
  direct > 0 ? `${(service / direct).toFixed(2)}×` : '—';
/** Wire bytes per payload byte: ~1× for binary, ~1.33× for base64, ~2× for hex. */
const perByte = (x: number) => `${x.toFixed(2)} B/B`;
const load = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(2));

type LoadKey = 'initialSync' | 'rescan' | 'latency' | 'delta';

export function hubComparisonRows(r: FolderResults): string[][] {
  const { direct, service } = r;
  const row = (
    metric: string,
    value: (x: InProcessResults) => number | undefined,
    show: (v: number) => string,
    loadKey: LoadKey,
  ): string[] => {
    const d = value(direct);
    const s = value(service);
    return [
      metric,
      d === undefined ? '—' : show(d),
      s === undefined ? '—' : show(s),
      d === undefined || s === undefined ? '—' : ratio(s, d),
      `${load(direct.loads[loadKey])} / ${load(service.loads[loadKey])}`,
    ];
  };
  const a = direct.initialSync;
  return [
    row(
      `(a) initial sync in one process: scan + push + pull (${a.files.toLocaleString('en-US')} files)`,
      (x) => x.initialSync.totalMs,
      formatMs,
      'initialSync',
    ),
    row('(a) A scan', (x) => x.initialSync.scanMs, formatMs, 'initialSync'),
    row('(a) A push (chunks, then events)', (x) => x.initialSync.pushMs, formatMs, 'initialSync'),
    row('(a) B pull and materialize', (x) => x.initialSync.pullMs, formatMs, 'initialSync'),
    row(
      "(a) bytes on the wire ÷ chunk bytes, A's push (device → hub)",
      (x) => x.initialSync.wire.push.up / x.initialSync.bytesUploaded,
      perByte,
      'initialSync',
    ),
    row(
      "(a) bytes on the wire ÷ file bytes, B's pull (hub → device)",
      (x) => x.initialSync.wire.pull.down / x.initialSync.bytes,
      perByte,
      'initialSync',
    ),
    row(
      `(b) one-file propagation A → B (median of ${direct.latency.runs})`,
      (x) => x.latency.medianMs,
      formatMs,
      'latency',
    ),
    row('(b) one-file propagation, p90', (x) => x.latency.p90Ms, formatMs, 'latency'),
    row(
      `(c) rescan (median of ${direct.rescan.runs})`,
      (x) => x.rescan.medianMs,
      formatMs,
      'rescan',
    ),
    row(
      '(d) chunk bytes A uploaded for a 1-byte insert',
      (x) => x.delta?.uploadedBytes,
      kib,
      'delta',
    ),
    row(
      '(d) on the wire for the 1-byte insert, both ways',
      (x) => (x.delta ? x.delta.wire.up + x.delta.wire.down : undefined),
      kib,
      'delta',
    ),
    row('(d) A save → B holds the changed file', (x) => x.delta?.propagationMs, formatMs, 'delta'),
    ...daemonRows(r),
  ];
}

/** (a) and (e) with two daemons through each hub, when both ran. */
function daemonRows(r: FolderResults): string[][] {
  const s = r.daemon;
  const d = r.daemonDirect;
  if (!s || !d) return [];
  const peak = (x: DaemonSyncResult) => Math.max(x.a.daemon.peakRss, x.b.daemon.peakRss);
  const loads = `${load(r.loads.daemon)} / ${load(r.loads.daemon)}`;
  return [
    [
      "(a) two daemons: A's start until B holds the tree",
      formatMs(d.syncMs),
      formatMs(s.syncMs),
      ratio(s.syncMs, d.syncMs),
      loads,
    ],
    [
      '(e) daemon peak memory (VmHWM), the larger of A and B',
      mib(peak(d)),
      mib(peak(s)),
      ratio(peak(s), peak(d)),
      loads,
    ],
  ];
}
