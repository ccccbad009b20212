/**
 * The hub load section as text (terminal) and markdown (BENCHMARKS.md): per process count the
 * highest level that held, every level tried, and the ratio of two processes to one.
 */
import { markdownTable, textTableOf } from '../report.js';
import type { HubLoadResults, PhaseResult } from './hubLoadSuite.js';

export const HUB_LOAD_HEADING = '## The hub under many devices';

const msText = (v: number) =>
  Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')}` : '—';
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

const SUMMARY_HEADER = [
  'hub processes',
  'changes/s carried',
  '× one process',
  'events/s delivered',
  'chunk MiB/s in / out',
  'p50 ms',
  'p99 ms',
  'hub CPU (cores)',
  'PostgreSQL CPU (cores)',
  "PostgreSQL's share",
  'generator CPU (cores)',
  'CPU ms per change: hub / PG / generator',
  'hub RSS MiB',
  'PostgreSQL PSS MiB',
];

function summaryRows(r: HubLoadResults): string[][] {
  const one = r.phases.find((p) => p.processes === 1)?.best?.carried;
  return r.phases.map((p) => {
    // No level held: the lightest level tried, marked, so the figures still show where it stood.
    const b = p.best ?? [...p.levels].sort((a, c) => a.offered - c.offered)[0];
    if (!b) return [String(p.processes), 'no level ran', ...SUMMARY_HEADER.slice(2).map(() => '—')];
    const hub = sum(b.hubCores);
    return [
      String(p.processes),
      p.best ? f1(b.carried) : `${f1(b.carried)} (did not hold)`,
      one ? `${f2(b.carried / one)}×` : '—',
      f1(b.deliveredPerSecond),
      `${f2(b.inMiBps)} / ${f2(b.outMiBps)}`,
      msText(b.p50Ms),
      msText(b.p99Ms),
      b.hubCores.map(f2).join(' + '),
      f2(b.postgresCores),
      `${Math.round((100 * b.postgresCores) / Math.max(1e-9, hub + b.postgresCores))}%`,
      f2(b.generatorCores),
      [hub, b.postgresCores, b.generatorCores].map((c) => f1((1000 * c) / b.carried)).join(' / '),
      p.hubPeakRssBytes.map(mib).join(' + '),
      mib(p.postgresPssBytes),
    ];
  });
}

const LEVEL_HEADER = [
  'hub processes',
  'offered /s',
  'carried /s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'large files',
  'missing',
  'failed requests',
  'CPU cores: hub + PG + generator + others',
  'held',
];

function levelRows(phases: readonly PhaseResult[]): string[][] {
  const rows: string[][] = [];
  for (const p of phases)
    for (const l of [...p.levels].sort((a, b) => a.offered - b.offered))
      rows.push([
        String(p.processes),
        String(Math.round(l.offered)),
        f1(l.carried),
        msText(l.p50Ms),
        msText(l.p99Ms),
        msText(l.maxMs),
        String(l.largeChanges),
        String(l.missingArrivals),
        String(sum(l.failures.map((f) => f.count))),
        `${f2(sum(l.hubCores))} + ${f2(l.postgresCores)} + ${f2(l.generatorCores)} + ${f2(l.otherCores)}`,
        l.held ? 'yes' : 'no',
      ]);
  return rows;
}

function ratio(r: HubLoadResults): number | undefined {
  const one = r.phases.find((p) => p.processes === 1)?.best?.carried;
  const two = r.phases.find((p) => p.processes === 2)?.best?.carried;
  return one && two ? two / one : undefined;
}

function verdict(r: HubLoadResults): string {
  const lines: string[] = [];
  const one = r.phases.find((p) => p.processes === 1);
  const two = r.phases.find((p) => p.processes === 2);
  if (one?.best)
    lines.push(
      `Propagation p99 under 1 s at ${f1(one.best.carried)} changes/s with ${one.devices} devices in ${one.spaces} spaces on one hub process (p99 ${msText(one.best.p99Ms)} ms): target met.`,
    );
  else if (one) lines.push('One hub process: no level held (p99 under 1 s): target NOT met.');
  const x = ratio(r);
  if (x !== undefined && two?.best)
    lines.push(
      `Two processes carried ${f2(x)}× the load of one at p99 under 1 s (${f1(two.best.carried)} against ${f1(one?.best?.carried ?? 0)} changes/s): the 1.6× target is ${x >= 1.6 ? 'met' : 'NOT met'}.`,
    );
  return lines.join(' ');
}

/** What bounds the figures: where the CPU went at the best level of each process count. */
function bound(r: HubLoadResults): string {
  const parts: string[] = [];
  for (const p of r.phases) {
    const b = p.best;
    const next = p.levels.filter((l) => !l.held).sort((a, c) => a.offered - c.offered)[0];
    const at = next ?? b;
    if (!at) continue;
    const hub = sum(at.hubCores);
    const total = hub + at.postgresCores + at.generatorCores + at.otherCores;
    parts.push(
      `${p.processes} process(es), at ${Math.round(at.offered)}/s offered${next ? ' (the first level that did not hold)' : ''}: ` +
        `hub ${f2(hub)} + PostgreSQL ${f2(at.postgresCores)} + generator ${f2(at.generatorCores)} + other processes ${f2(at.otherCores)} = ${f2(total)} of ${r.cores} cores`,
    );
  }
  return parts.join('; ');
}

/** Where the CPU went, what that caps on this machine, and whether one hub process was the limit. */
function boundParagraph(r: HubLoadResults, devices: number): string {
  const one = r.phases.find((p) => p.processes === 1);
  const b = one?.best;
  const firstFailed = one?.levels
    .filter((l) => !l.held && (!b || l.offered > b.offered))
    .sort((a, c) => a.offered - c.offered)[0];
  let cap = '';
  if (b && b.carried > 0) {
    const per = (c: number) => (1000 * c) / b.carried;
    const total = per(sum(b.hubCores)) + per(b.postgresCores) + per(b.generatorCores);
    cap = ` At one process each change cost ${f1(per(sum(b.hubCores)))} ms of hub CPU, ${f1(per(b.postgresCores))} ms of PostgreSQL's and ${f1(per(b.generatorCores))} ms of the generator's: ${f1(total)} ms in all, so ${r.cores} idle cores carry at most about ${Math.round((r.cores * 1000) / total)} changes/s whatever the number of hub processes.`;
  }
  const two = r.phases.find((p) => p.processes === 2)?.best;
  const perChange =
    b && two && b.carried > 0 && two.carried > 0
      ? ` Per change, two processes spent ${f1((1000 * sum(two.hubCores)) / two.carried)} ms of hub CPU in all and PostgreSQL ${f1((1000 * two.postgresCores) / two.carried)} ms, against ${f1((1000 * sum(b.hubCores)) / b.carried)} and ${f1((1000 * b.postgresCores) / b.carried)} ms with one.`
      : '';
  const hubAtLimit = firstFailed ? sum(firstFailed.hubCores) : undefined;
  const oneHub =
    hubAtLimit === undefined
      ? ''
      : hubAtLimit >= 0.8
        ? ` At the first level one process did not hold, it used ${f2(hubAtLimit)} cores: near all one Node event loop gives, so one process was bound by itself there.`
        : ` At the first level one process did not hold, it used ${f2(hubAtLimit)} cores, well under the one core its event loop could use: it was not its own limit, the machine was (and a second process cannot add CPU the machine does not have).`;
  return `**What bounds it.** This machine has ${r.cores} cores, shared by the load generator (all ${devices} devices in the bench's one Node process: TLS, HTTP/2, JSON and SHA-256 of every chunk sent and received), the hub processes, PostgreSQL, and whatever else ran meanwhile ("others": the machine's busy CPU from /proc/stat less those three). CPU while sending, in cores: ${bound(r)}.${cap}${oneHub}${perChange} Two processes can carry 1.6× one only where one process is bound by its own event loop while the machine still has CPU to give; on ${r.cores} shared cores, two processes show that the hub spreads over processes with every change delivered across them, not the scaling that separate machines for devices, hubs and PostgreSQL would show.`;
}

export function hubLoadText(r: HubLoadResults): string {
  return [
    `The hub under many devices (${(r.elapsedMs / 1000).toFixed(0)} s)`,
    textTableOf(SUMMARY_HEADER, summaryRows(r)),
    '',
    textTableOf(LEVEL_HEADER, levelRows(r.phases)),
    '',
    verdict(r),
    `CPU: ${bound(r)}.`,
  ].join('\n');
}

export function hubLoadMarkdown(r: HubLoadResults): string {
  const s = r.sizes;
  const devices = s.spaces * s.devicesPerSpace;
  const mix = s.mix;
  const kib = (b: number) => `${Math.round(b / 1024)} KiB`;
  return `${HUB_LOAD_HEADING}

${devices} simulated devices in ${s.spaces} spaces (${s.devicesPerSpace} each) over the real protocol (HTTP/2 over TLS, pinned certificates, credentials from real pairings) against \`netguardian hub start\` child processes on one PostgreSQL, first one process, then two with each space's devices dealt round both (so most changes cross processes). Each device sends changes at random moments (together a Poisson stream of the offered rate): ${Math.round(100 * (1 - mix.newShare - mix.largeShare))}% edits of an existing file (${kib(mix.editBytes[0])}-${kib(mix.editBytes[1])}), ${Math.round(100 * mix.newShare)}% new files (${kib(mix.newBytes[0])}-${kib(mix.newBytes[1])}), ${(100 * mix.largeShare).toFixed(1)}% large files (${mib(mix.largeBytes)} MiB in chunks of at most 2 MiB). A change is its chunks (\`chunks/missing\`, \`chunks/put\`) and then its event (\`events/push\`); every other device of the space hears of it on its live stream, pulls it (\`events/pull\`, each row validated) and fetches its chunks (\`chunks/get\`, each checked by SHA-256). Propagation is from the moment the sender begins sending the change to the moment a receiver holds the event and its checked bytes, on this process's one clock.

The offered rate steps up ×${s.stepFactor} from ${s.firstRate}/s (${(s.measureMs / 1000).toFixed(0)} s each, then a drain of up to ${(s.drainMs / 1000).toFixed(0)} s until every change reached every other device of its space), then ${s.refineSteps} levels refine between the last that held and the first that did not. A level holds when propagation p99 is under 1 s, the senders kept up (the last change of the window stored within 1 s of its end), every change reached every other device of its space, no request failed and every chunk's hash matched. Each process count's figure is the highest rate carried at a level that held; the baseline of the two-process figure is the one-process figure of the same run.

${markdownTable(SUMMARY_HEADER, summaryRows(r))}

${verdict(r)}

${boundParagraph(r, devices)}

Every level tried:

${markdownTable(LEVEL_HEADER, levelRows(r.phases))}

"Events/s delivered" counts arrivals of changes at other devices (each change reaches ${s.devicesPerSpace - 1}); chunk MiB/s in is content pushed to the hub, out is content the receivers pulled from it. Hub CPU and RSS are per process from /proc (RSS: the highest resident set, VmHWM); PostgreSQL's CPU is its whole process tree (backends, checkpointer, WAL writer, and the backends that ended meanwhile), its share is of the hub side's CPU (hub processes + PostgreSQL), its memory the tree's highest PSS. PostgreSQL ${r.postgres['server_version'] ?? '?'} with fsync ${r.postgres['fsync'] ?? '?'} and synchronous_commit ${r.postgres['synchronous_commit'] ?? '?'} (its default durability), a throwaway server of the bench's own. The hub processes each have their own data dir and present the hub's one certificate (kept in its database); each device pins it and talks to the process it was dealt. ${s.nice === undefined ? '' : `The generator's main thread, the hub processes and PostgreSQL's processes ran at nice ${s.nice}${s.autogroup ? ' (the bench in its own session, its autogroup at the same value)' : ''}, since other engineers' work shared the machine. `}The whole section took ${(r.elapsedMs / 1000).toFixed(0)} s; the machine's 1-minute load before each process count: ${r.phases.map((p) => f2(p.loadBefore)).join(', ')}.
`;
}
