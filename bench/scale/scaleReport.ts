/**
 * The "Scale: NetGuardian and Syncthing" section: per tree, each figure for `cp -r`, NetGuardian
 * and Syncthing side by side from the same run, NetGuardian ÷ Syncthing; then issue 14's targets,
 * each with the figure it is judged on and whether it is met ("not measured" when its tree was
 * not run).
 */
import { formatMs, markdownTable, textTableOf } from '../report.js';
import { median } from '../support/stats.js';
import { LOAD_LIMIT } from './quiet.js';
import type { ScaleResults, TreeName, TreeResult } from './scaleSuite.js';
import { worstDevice, type SideResult } from './sideResult.js';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
const count = (n: number) => n.toLocaleString('en-US');
const ratio = (x: number, y: number) => `${(x / y).toFixed(2)}×`;

const peak = (s: SideResult) => worstDevice(s, (g) => g.peakBytes);
const idle = (s: SideResult) => worstDevice(s, (g) => g.idleBytes);
const watches = (s: SideResult) => worstDevice(s, (g) => g.watches);
const store = (s: SideResult) => worstDevice(s, (g) => g.storeBytes);
const rescan = (s: SideResult) => median(s.rescanMs);

const TREE_HEADER = ['metric', 'cp -r', 'NetGuardian', 'Syncthing', 'NetGuardian ÷ Syncthing'];

function treeRows(t: TreeResult): string[][] {
  const ng = t.netguardian;
  const st = t.syncthing;
  const row = (metric: string, n: number, s: number, fmt: (v: number) => string, cp = '—') => [
    metric,
    cp,
    fmt(n),
    fmt(s),
    ratio(n, s),
  ];
  return [
    [
      'initial sync A → B (÷ cp -r)',
      formatMs(t.cp.ms),
      `${formatMs(ng.syncMs)} (${ratio(ng.syncMs, t.cp.ms)})`,
      `${formatMs(st.syncMs)} (${ratio(st.syncMs, t.cp.ms)})`,
      ratio(ng.syncMs, st.syncMs),
    ],
    row('rescan of the unchanged tree (median)', rescan(ng), rescan(st), formatMs),
    row('peak memory during the sync, per device', peak(ng), peak(st), mib),
    row('idle memory 30 s after, per device', idle(ng), idle(st), mib),
    row('OS watches per device', watches(ng), watches(st), count),
    row('store on disk per device', store(ng), store(st), mib),
    [
      'hub process and its PostgreSQL: peak / idle memory, on disk',
      '—',
      ng.hub
        ? `${mib(ng.hub.peakBytes)} / ${mib(ng.hub.idleBytes)}, ${mib(ng.hub.storeBytes)}`
        : '—',
      '— (no hub)',
      '—',
    ],
    [
      'files compared byte for byte (differing)',
      '—',
      `${count(ng.compared)} (${ng.differing})`,
      `${count(st.compared)} (${st.differing})`,
      '—',
    ],
    [
      '1-min load at the timed start (quiet?)',
      quietCell(t.cp.quiet),
      quietCell(ng.quiet),
      quietCell(st.quiet),
      '—',
    ],
  ];
}

const quietCell = (q: { quiet: boolean; load: number }) =>
  `${q.load} (${q.quiet ? 'quiet' : 'busy: gave up waiting'})`;

interface TargetRow {
  readonly target: string;
  readonly figure: string;
  readonly met: boolean | null;
}

/** Issue 14's targets, judged on whichever trees were measured. */
export function targetRows(results: ScaleResults): TargetRow[] {
  const tree = (n: TreeName) => results.trees.find((t) => t.name === n);
  const small = tree('10k');
  const big = tree('100k');
  const judge = (
    target: string,
    needs: readonly (TreeResult | undefined)[],
    value: () => number,
    limit: number,
    fmt: (v: number) => string = (v) => `${v.toFixed(2)}×`,
  ): TargetRow => {
    if (needs.some((t) => t === undefined)) return { target, figure: 'not measured', met: null };
    const v = value();
    return { target, figure: fmt(v), met: v <= limit };
  };
  const s = small as TreeResult;
  const b = big as TreeResult;
  const rows = [
    judge(
      'idle memory at 10k ≤ 2× Syncthing idle',
      [small],
      () => idle(s.netguardian) / idle(s.syncthing),
      2,
    ),
    judge(
      'idle memory at 100k ≤ 1.2× at 10k',
      [small, big],
      () => idle(b.netguardian) / idle(s.netguardian),
      1.2,
    ),
    judge(
      'peak memory at 100k ≤ 1.5× at 10k',
      [small, big],
      () => peak(b.netguardian) / peak(s.netguardian),
      1.5,
    ),
    judge(
      'initial sync, standard tree ≤ 0.5× Syncthing',
      [small],
      () => s.netguardian.syncMs / s.syncthing.syncMs,
      0.5,
    ),
    judge(
      'initial sync, 100k small files ≤ 0.25× Syncthing',
      [big],
      () => b.netguardian.syncMs / b.syncthing.syncMs,
      0.25,
    ),
    judge(
      'rescan at 100k ≤ Syncthing',
      [big],
      () => rescan(b.netguardian) / rescan(b.syncthing),
      1,
    ),
    judge(
      'initial sync at 100k ≤ 11× at 10k',
      [small, big],
      () => b.netguardian.syncMs / s.netguardian.syncMs,
      11,
    ),
  ];
  // Folders of a tree: its `dirs`, `small/`, `big/` when it has big files, and the root.
  for (const t of results.trees) {
    const folders = t.shape.dirs + 2 + (t.shape.bigFiles > 0 ? 1 : 0);
    rows.push(
      judge(
        `OS watches at ${t.name} ≤ folders (${count(folders)}) + ${WATCH_SLACK}`,
        [t],
        () => watches(t.netguardian),
        folders + WATCH_SLACK,
        count,
      ),
    );
  }
  return rows;
}

/** The "small constant" of the watches target: watches of the data dir and config, not per folder. */
const WATCH_SLACK = 10;

const targetCells = (r: TargetRow) => [
  r.target,
  r.figure,
  r.met === null ? '—' : r.met ? 'yes' : 'NO',
];
const TARGET_HEADER = ['target (issue 14)', 'figure', 'met?'];

const treeTitle = (t: TreeResult) =>
  `${t.name}: ${count(t.files)} files, ${mib(t.bytes)} in ${count(t.shape.dirs)} folders`;

export function scaleText(results: ScaleResults): string {
  const trees = results.trees.map(
    (t) => `${treeTitle(t)}\n${textTableOf(TREE_HEADER, treeRows(t))}`,
  );
  return `Scale: NetGuardian and Syncthing (${results.syncthingVersion}), same run\n${trees.join('\n\n')}\n\n${textTableOf(TARGET_HEADER, targetRows(results).map(targetCells))}`;
}

export function scaleMarkdown(results: ScaleResults): string {
  const trees = results.trees
    .map((t) => `### ${treeTitle(t)}\n\n${markdownTable(TREE_HEADER, treeRows(t))}\n`)
    .join('\n');
  const busy = results.trees.some((t) =>
    [t.cp.quiet, t.netguardian.quiet, t.syncthing.quiet].some((q) => !q.quiet),
  );
  return `## Scale: NetGuardian and Syncthing

Issue 14, point 6: NetGuardian and Syncthing measured side by side in the same run, on the same
tree shapes, with a \`cp -r\` of each tree as the floor. Measured ${results.date}; total
${formatMs(results.elapsedMs)}.

${trees}
### Targets

${markdownTable(TARGET_HEADER, targetRows(results).map(targetCells))}

### Method

- Trees: the standard tree (10,000 files of 1–4 KiB in 100 folders plus 20 × 4 MiB), 100,000
  files of 1–4 KiB in 1,000 folders, and with \`--scale\` 1,000,000 in 10,000 folders; random
  bytes from a seed. Each product gets its own copy, written fresh in new dirs; nothing is deleted
  before the whole bench ends (a mass deletion slows file creation on this disk for minutes).
- NetGuardian as a user runs it: \`netguardian hub start --data DIR\` (its own embedded
  PostgreSQL), two devices paired with \`hub invite\` and \`init --folder F --join CODE\`, each
  run by a \`netguardian start --data D\` daemon. Syncthing (${results.syncthingVersion},
  Debian's package): two instances, each with its own home, fixed loopback GUI and listen ports,
  the folder shared between the two devices, file watcher on; discovery, relays, NAT, usage and
  crash reporting and upgrades off; \`setLowPriority\` off (on by default, it would lower
  Syncthing's priority below the NetGuardian daemons').
- Initial sync: B runs on its empty folder; A is started on a folder already holding the tree;
  timed from spawning A until every file is in B's folder at its size (Syncthing also: B's
  \`/rest/db/status\` idle with nothing needed). Then the bytes are compared (every file up to
  20,000 files, an even sample of 2,000 above).
- Rescan of the unchanged tree, median of 3: NetGuardian, \`netguardian sync --data A\` with A's
  daemon stopped (the command a user runs to have the folder looked at now; its wall time includes
  starting the process and the device's PostgreSQL server, as there is no way to ask a running
  daemon to rescan); Syncthing, \`POST /rest/db/scan\` on A's running instance, then until idle.
- Memory: PSS summed over every process of a device (NetGuardian: the daemon and its PostgreSQL
  server's processes; Syncthing: its process), sampled every 250 ms from /proc during the initial
  sync (peak) and read 30 s after B was complete (idle); the larger of the two devices. PSS, not
  RSS, so PostgreSQL's shared buffers count once, not once per backend. NetGuardian's hub (a third
  machine in real use) is not counted in the devices' figures; it has its own row. Syncthing's
  figures include its monitor process (the parent \`syncthing serve\` keeps even with
  \`--no-restart\`, as in a default install).
- OS watches: the \`inotify wd:\` lines in /proc/<pid>/fdinfo of every process of a device.
  Store on disk: \`du\` of the device's data dir (NetGuardian: its PostgreSQL cluster and
  config) or of Syncthing's index database.
- The bench waits (bounded) before each timed start for the 1-minute load average to stay below
  ${LOAD_LIMIT} for 20 s.${busy ? ' **It gave up at least once: the machine was busy, and the absolute times in this section are inflated; the NetGuardian ÷ Syncthing ratios suffer less only if the load was alike for both.**' : ''}
`;
}
