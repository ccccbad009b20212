/**
 * The hook `bench/run.ts` calls for the "New user's journey" section (issue 16 point 10): runs
 * e2e/journey.spec.ts (the e2e tier's own command, which builds the renderer), reads the times it
 * wrote to e2e/artifacts/journey.json and reports the journey beside the same run's baseline, one
 * plain sync round between the two devices.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { JOURNEY_FILE, type JourneyTimes } from '../../e2e/support/journeyClock.js';
import { markdownTable, textTableOf } from '../report.js';

export const JOURNEY_HEADING = "## New user's journey";

const REPO = path.resolve(import.meta.dirname, '../..');
/** The whole run (its two devices' start included) takes well under a minute here. */
const RUN_TIMEOUT_MS = 10 * 60_000;

export interface JourneySection {
  readonly times: JourneyTimes;
  readonly text: string;
  readonly markdown: string;
}

const journeyTimesSchema = z.object({
  finishedAt: z.string(),
  totalMs: z.number().positive(),
  steps: z.array(z.object({ name: z.string(), ms: z.number().nonnegative() })).min(1),
  syncRoundMs: z.number().positive(),
  syncRoundSamplesMs: z.array(z.number().positive()).min(1),
});

const HEADER = ['step', 'wall time', 'vs one sync round'];

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rounds = (ms: number, round: number) => `${(ms / round).toFixed(1)}×`;

/** Each step, then the whole journey, then the baseline, as table rows. */
export function journeyRows(times: JourneyTimes): string[][] {
  return [
    ...times.steps.map((s) => [s.name, seconds(s.ms), rounds(s.ms, times.syncRoundMs)]),
    ['the whole journey', seconds(times.totalMs), rounds(times.totalMs, times.syncRoundMs)],
    [
      `baseline: one sync round, laptop → desktop (median of ${times.syncRoundSamplesMs.length})`,
      seconds(times.syncRoundMs),
      '1.0×',
    ],
  ];
}

export function journeyMarkdown(times: JourneyTimes): string {
  return [
    JOURNEY_HEADING,
    '',
    `Issue 16, point 10: \`e2e/journey.spec.ts\` walks what a new user does, in Debian's Chromium against the headless mode (\`netguardian serve\`) of two devices on 127.0.0.1, each made by \`netguardian init\` as a first run makes it: on the laptop, create a hub on this computer (Settings) and add a device (Devices, the code read off the screen); on the desktop, join with the code (Settings); add three files on the laptop ("Add files…"), see them synced on the desktop's Files screen; pause both, edit the same file in both folders, resume, and settle the conflict on the Conflicts screen ("Keep desktop's version", sent when its Undo window ends); move a file to the trash and delete another in the desktop's folder, then restore both ("Restore deleted files…"); both folders byte-identical at the end. Each step waits on what the user would see (texts, rows, state badges, the header's state), bounded; no step is asserted on time.`,
    '',
    markdownTable(HEADER, journeyRows(times)),
    '',
    `The journey took ${seconds(times.totalMs)}, ${rounds(times.totalMs, times.syncRoundMs)} the same run's baseline: one plain sync round (a file written into the laptop's folder until the same bytes are in the desktop's), measured right after the journey on the same two devices and hub, the median of ${times.syncRoundSamplesMs.length} rounds (${times.syncRoundSamplesMs.map(seconds).join(', ')}). Timed from opening the laptop's window; the two devices' \`init\` and \`serve\` start-up are not in it. Creating the hub starts its embedded PostgreSQL; most of the conflict step is its Undo window, which the user waits out too. Measured ${times.finishedAt}. Method: \`e2e/journey.spec.ts\`, \`e2e/support/journeyClock.ts\`, \`bench/journey/section.ts\`.`,
    '',
  ].join('\n');
}

/** Runs the journey's e2e test and reads the times it wrote; fails with its output if it fails. */
export async function runJourneySection(options: {
  readonly log: (message: string) => void;
}): Promise<JourneySection> {
  // A file left by an earlier run must not be reported as this run's.
  await rm(JOURNEY_FILE, { force: true });
  options.log('new user’s journey: running e2e/journey.spec.ts');
  await runJourneyTest();
  const times = journeyTimesSchema.parse(JSON.parse(await readFile(JOURNEY_FILE, 'utf8')));
  const text = `New user's journey\n${textTableOf(HEADER, journeyRows(times))}`;
  return { times, text, markdown: journeyMarkdown(times) };
}

function runJourneyTest(): Promise<void> {
  const vitest = path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs');
  const child = spawn(
    process.execPath,
    [vitest, 'run', '--project', 'e2e', 'e2e/journey.spec.ts'],
    { cwd: REPO, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => output.push(s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => output.push(s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `the journey's e2e test failed (${signal ?? `exit ${code}`}):\n${output.join('')}`,
          ),
        );
    });
  });
}
