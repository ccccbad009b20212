/**
 * The "Command line" section: each command's wall time (median, spread, p90) beside `node -e 0`
 * measured in the same rounds, and issue 11's 300 ms target where it applies.
 */
import { formatMs, markdownTable, textTableOf } from '../report.js';
import type { SampleStats } from '../support/stats.js';
import type { CliCommand, CliResults } from './cliSuite.js';

/** Issue 11, point 2. */
export const CLI_TARGET_MS = 300;

const LABEL: Readonly<Record<CliCommand, string>> = {
  node: '`node -e 0` (baseline: Node alone)',
  help: '`netguardian --help`',
  statusDaemon: '`netguardian status`, its `start` daemon answering',
  statusOwner: '`netguardian status`, no daemon (opens the device: server start and stop included)',
};

/** Which commands the target applies to (the issue names these two). */
const TARGETED: ReadonlySet<CliCommand> = new Set(['help', 'statusDaemon']);

export const CLI_HEADER = [
  'command',
  'median',
  'min – max',
  'p90',
  'vs node -e 0',
  'target',
  'met?',
];

export function cliRows(r: CliResults): string[][] {
  const base = r.timings.node.medianMs;
  return (['node', 'help', 'statusDaemon', 'statusOwner'] as const).map((id) => {
    const t: SampleStats = r.timings[id];
    const targeted = TARGETED.has(id);
    return [
      LABEL[id],
      formatMs(t.medianMs),
      `${formatMs(t.minMs)} – ${formatMs(t.maxMs)}`,
      formatMs(t.p90Ms),
      `${(t.medianMs / base).toFixed(2)}×`,
      targeted ? `< ${formatMs(CLI_TARGET_MS)}` : '—',
      targeted ? (t.medianMs < CLI_TARGET_MS ? 'yes' : 'NO') : '—',
    ];
  });
}

export function cliSummary(r: CliResults): string {
  const met = [...TARGETED].filter((id) => r.timings[id].medianMs < CLI_TARGET_MS).length;
  return `${met} of ${TARGETED.size} command-line targets met.${r.bundleFresh ? '' : " The CLI bundle was stale when the rounds ended (a source changed): bin ran the sources through tsx, so these figures are not the bundle's."}`;
}

export function cliText(r: CliResults): string {
  return [
    `Command line (median of ${r.sizes.runs} runs each, interleaved; load ${r.load.toFixed(2)})`,
    textTableOf(CLI_HEADER, cliRows(r)),
    '',
    cliSummary(r),
  ].join('\n');
}

export function cliMarkdown(r: CliResults): string {
  const samples = (id: CliCommand) => r.timings[id].samplesMs.map((ms) => formatMs(ms)).join(', ');
  return `## Command line

Issue 11, point 2: \`netguardian --help\` and \`netguardian status\` talking to a running owner
should answer in under ${formatMs(CLI_TARGET_MS)}. Wall time of \`node bin/netguardian.mjs …\` from spawn to exit,
median of ${r.sizes.runs} runs each; "vs node -e 0" is the command's median ÷ Node's alone, measured in
the same rounds (1-minute load average when they ended: ${r.load.toFixed(2)}).

${markdownTable(CLI_HEADER, cliRows(r))}

${cliSummary(r)}

Method: the CLI bundle is built first unless it is fresh (\`scripts/build-cli.mjs\`;
\`bin/netguardian.mjs\` runs it when it is fresh${r.attempts > 1 ? `; it went stale during the rounds, so it was rebuilt and every round run again: ${r.attempts} attempts` : ''}). Two devices are
made with \`netguardian init\` on the bench's hub, each folder holding ${r.sizes.files} small files; one
runs \`netguardian start\` (watching, its first sync done) for the whole section, the other has no
daemon, so its \`status\` opens the device itself: the data dir's lock, the device's PostgreSQL
server started, the store, the answer, the server stopped. Each round runs every command once
(the first one rotating), after ${r.sizes.warmupRuns} untimed ${r.sizes.warmupRuns === 1 ? 'round' : 'rounds'}; the environment is clean (PATH, HOME,
NETGUARDIAN_LOG=warn). Samples: \`node -e 0\` ${samples('node')}; \`--help\` ${samples('help')};
\`status\` with the daemon ${samples('statusDaemon')}; without ${samples('statusOwner')}. The daemon
exited ${r.daemonExit} after SIGTERM. Total section time: ${formatMs(r.elapsedMs)}.
`;
}
