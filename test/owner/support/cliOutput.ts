/**
 * What the CLI must print, written out from the spec (src-main/cli/printing.ts's formats, the
 * contract's answers, src-shared/messages.ts's sentences), as checks returning the broken rules.
 * Each check takes the run and returns readable problems (empty when it printed what it must).
 */
import type {
  ConflictInfo,
  DeviceStatusView,
  HistoryEntry,
} from '../../../src-shared/ipc/contract.js';
import { describeRun, type CliRun } from './netguardian.js';

const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const fail = (run: CliRun, why: string): string[] => [`${why}\n  ${describeRun(run)}`];

/**
 * One progress of a line of them ("Sending changes: 2/2 · Uploading file contents: 3.9 MiB"): a
 * count, a count of a total, either with the bytes, or the bytes alone (contents sent before any
 * change was counted).
 */
const PROGRESS = /^[A-Z][^:]*: (\d+(\/\d+)?( \(\d+\.\d MiB\))?|\d+\.\d MiB)$/;

const isProgress = (line: string) => line.split(' · ').every((part) => PROGRESS.test(part));

/** A log line at warn level (NETGUARDIAN_LOG's default), as the CLI writes it on stderr. */
const isWarning = (line: string): boolean => /^\d{4}-\d\d-\d\dT[\d:.]+Z warn /.test(line);

/**
 * Exit 0, and nothing on stderr but the progress lines a long wait prints ("Label: 3/10 (1.0
 * MiB)") and, where `warningsAllowed`, warnings (a command that took over a crashed daemon's
 * device says what it cleaned up).
 */
function succeeded(
  run: CliRun,
  {
    progressAllowed,
    warningsAllowed = false,
  }: { progressAllowed: boolean; warningsAllowed?: boolean },
): string[] {
  if (run.code !== 0) return fail(run, 'expected exit code 0');
  const stray = run.stderr
    .split('\n')
    .filter((l) => l !== '')
    .filter((l) => !progressAllowed || !isProgress(l))
    .filter((l) => !warningsAllowed || !isWarning(l));
  return stray.length > 0 ? fail(run, `unexpected stderr lines: ${stray.join(' | ')}`) : [];
}

/**
 * A refusal or bad input: exit code 1, nothing on stdout, exactly one line `netguardian:
 * <message>` on stderr (after the progress lines of a wait, where `progressAllowed`).
 */
export function oneLineFailure(
  run: CliRun,
  message: string | RegExp,
  { progressAllowed = false }: { progressAllowed?: boolean } = {},
): string[] {
  if (run.code !== 1) return fail(run, 'expected exit code 1');
  if (run.stdout !== '') return fail(run, 'expected nothing on stdout');
  const lines = run.stderr
    .split('\n')
    .filter((l) => !progressAllowed || !isProgress(l))
    .join('\n');
  const line = /^netguardian: (.*)\n$/.exec(lines)?.[1];
  if (line === undefined) return fail(run, 'expected exactly one line `netguardian: …` on stderr');
  const ok = typeof message === 'string' ? line === message : message.test(line);
  return ok ? [] : fail(run, `expected the message ${String(message)}`);
}

/** What the text `status` prints about a device run by a daemon, with its hub reachable. */
export function statusTextProblems(
  run: CliRun,
  device: { name: string; nodeId: string; folder: string; spaceId: string; hubAddress: string },
): string[] {
  const problems = succeeded(run, { progressAllowed: false });
  if (problems.length > 0) return problems;
  const lines = run.stdout.replace(/\n$/, '').split('\n');
  const expected: RegExp[] = [
    // The state's headline: a running device with its hub reachable, busy or not (a sync that
    // failed once, see below, may be the error said until the next run works).
    /^(Synced|Not running — the folder is not watched|Starting…|Syncing|Syncing [\d,]+ changes?|Looking for changes|Noticed [\d,]+ changes?|Uploading [\d,]+ files? \(.+\)|Receiving [\d,]+ files?|Importing .+|[\d,]+ conflicts? to review|Error: .+)$/,
    // Its sentence, indented under it.
    /^ {2}\S.*$/,
    new RegExp(`^device    ${escape(device.name)} \\(${escape(device.nodeId)}\\)$`),
    new RegExp(`^folder    ${escape(device.folder)} \\(space ${escape(device.spaceId)}\\)$`),
    /^running {3}yes: watching the folder and syncing$/,
    /^files {5}[\d,]+ files?, [\d,]+ folders?( \([\d,]+ not in the folder yet: they are written as their content arrives\))?$/,
    /^conflicts (0|[1-9][\d,]* \(see `netguardian conflicts`\))$/,
    new RegExp(
      `^hub       \\S*${escape(device.hubAddress)}\\S*: reachable(, changes arrive live)?$`,
    ),
    new RegExp(`^last sync (${ISO} \\(sent [\\d,]+, received [\\d,]+\\)|never)$`),
    /^pending {3}[\d,]+ local changes? not on the hub yet$/,
  ];
  // A sync that failed once (a file changed under its upload) leaves a last error line.
  const optional = new RegExp(`^last error ${ISO}: .+$`);
  const extra = lines.slice(expected.length);
  if (
    lines.length < expected.length ||
    expected.some((re, i) => !re.test(lines[i] ?? '')) ||
    !extra.every((l) => optional.test(l)) ||
    extra.length > 1
  )
    return fail(run, 'status does not read as the spec says');
  // A URL's password is shown as ***, never itself.
  if (/\/\/[^:/@]+:(?!\*\*\*@)[^@]*@/.test(lines[7] ?? ''))
    return fail(run, 'status shows the hub password');
  return [];
}

/** `status --json`: the contract's DeviceStatusView of the running device. */
export function statusJsonProblems(
  run: CliRun,
  device: { name: string; nodeId: string; folder: string; spaceId: string },
): string[] {
  const problems = succeeded(run, { progressAllowed: false });
  if (problems.length > 0) return problems;
  let status: DeviceStatusView;
  try {
    status = JSON.parse(run.stdout) as DeviceStatusView;
  } catch {
    return fail(run, 'stdout is not JSON');
  }
  const ok =
    status.deviceName === device.name &&
    status.nodeId === device.nodeId &&
    status.folder === device.folder &&
    status.spaceId === device.spaceId &&
    status.running &&
    !status.paused &&
    status.held === 0 &&
    Number.isInteger(status.files) &&
    Number.isInteger(status.conflicts) &&
    status.hub?.reachable === true &&
    status.hub.problem === null &&
    Number.isInteger(status.hub.pendingUpload) &&
    typeof status.state.headline === 'string' &&
    status.state.phase !== 'offline';
  return ok ? [] : fail(run, 'status --json does not describe the running device');
}

/**
 * The text `conflicts`: `no conflicts`, or per path its versions (on disk or a copy, mine or
 * theirs, the device) and what each `--keep` keeps, then the resolve hint.
 */
export function conflictsTextProblems(run: CliRun): string[] {
  const problems = succeeded(run, { progressAllowed: false });
  if (problems.length > 0) return problems;
  if (run.stdout === 'no conflicts\n') return [];
  const lines = run.stdout.replace(/\n$/, '').split('\n');
  const version = new RegExp(
    `^  (on disk |copy    ) (mine    \\S+ \\(this device\\)|theirs  \\S+)  ${ISO}  \\d+ bytes  version \\S+(  as \\S.*)?$`,
  );
  const keeps =
    /^ {2}--keep mine (keeps|deletes) .+; --keep theirs (keeps|deletes|is refused) .+; --keep both keeps every version \(the others as copies\)$/;
  const last = lines.pop();
  if (last !== 'resolve with: netguardian resolve <path> --keep mine|theirs|both')
    return fail(run, 'conflicts does not end with the resolve hint');
  // Blocks: a path line, then its versions (the first on disk, the others copies), then the keeps.
  for (let i = 0; i < lines.length;) {
    if (/^\s/.test(lines[i] ?? ' ')) return fail(run, `line ${i + 1} should name a path`);
    const versions: string[] = [];
    for (i += 1; i < lines.length && /^\s/.test(lines[i] ?? ''); i += 1)
      versions.push(lines[i] ?? '');
    if (!keeps.test(versions.pop() ?? ''))
      return fail(run, 'a conflict does not say what each --keep keeps');
    if (
      versions.length < 2 ||
      !versions.every((v) => version.test(v)) ||
      !versions[0]?.startsWith('  on disk ') ||
      versions.slice(1).some((v) => !v.startsWith('  copy '))
    )
      return fail(run, 'a conflict does not list its versions as the spec says');
  }
  return [];
}

/** `conflicts --json`: ConflictInfo per path, the winner first and only it. */
export function parseConflictsJson(run: CliRun): {
  conflicts?: ConflictInfo[];
  problems: string[];
} {
  const problems = succeeded(run, { progressAllowed: false });
  if (problems.length > 0) return { problems };
  let conflicts: ConflictInfo[];
  try {
    conflicts = JSON.parse(run.stdout) as ConflictInfo[];
  } catch {
    return { problems: fail(run, 'stdout is not JSON') };
  }
  const bad = conflicts.find(
    (c) =>
      typeof c.path !== 'string' ||
      c.versions.length < 2 ||
      c.versions[0]?.winner !== true ||
      c.versions.slice(1).some((v) => v.winner),
  );
  return bad
    ? { problems: fail(run, `conflict ${bad.path} is not the winner first then the losers`) }
    : { conflicts, problems: [] };
}

/** The text `history <path>`: a line per version, newest first, at most one current. */
export function historyTextProblems(run: CliRun, devices: readonly string[]): string[] {
  const problems = succeeded(run, { progressAllowed: false });
  if (problems.length > 0) return problems;
  // What the version was, padded to one width; "(back to …)" when it brings back an earlier one.
  const line = new RegExp(
    `^${ISO}  (added   |edited  |deleted |resolved)  (.{20}) (\\d+ bytes|-)  \\S+(  \\(current\\))?(  \\(back to ${ISO}\\))?$`,
  );
  const lines = run.stdout.replace(/\n$/, '').split('\n');
  for (const l of lines) {
    const m = line.exec(l);
    if (!m) return fail(run, `history line does not read as the spec says: ${l}`);
    if (!devices.includes((m[2] ?? '').trimEnd())) return fail(run, `unknown device in: ${l}`);
    const what = (m[1] ?? '').trimEnd();
    // A resolution to a delete has no size either.
    if (
      (what === 'deleted' && m[3] !== '-') ||
      ((what === 'added' || what === 'edited') && m[3] === '-')
    )
      return fail(run, `a deletion has no size, a change has one: ${l}`);
  }
  if (lines.filter((l) => l.endsWith('  (current)')).length > 1)
    return fail(run, 'more than one current version');
  return [];
}

/** `history <path> --json`: HistoryEntry per version. */
export function parseHistoryJson(run: CliRun): { history?: HistoryEntry[]; problems: string[] } {
  const problems = succeeded(run, { progressAllowed: false });
  if (problems.length > 0) return { problems };
  let history: HistoryEntry[];
  try {
    history = JSON.parse(run.stdout) as HistoryEntry[];
  } catch {
    return { problems: fail(run, 'stdout is not JSON') };
  }
  if (history.length === 0) return { problems: fail(run, 'an empty history printed as success') };
  if (history.filter((h) => h.current).length > 1)
    return { problems: fail(run, 'more than one current version') };
  return { history, problems: [] };
}

/** `sync`: one line of what moved (progress lines may go to stderr). */
export function syncProblems(
  run: CliRun,
  { warningsAllowed = false }: { warningsAllowed?: boolean } = {},
): string[] {
  const problems = succeeded(run, { progressAllowed: true, warningsAllowed });
  if (problems.length > 0) return problems;
  return /^synced: sent \d+, received \d+ changes\n$/.test(run.stdout)
    ? []
    : fail(run, 'sync does not print `synced: sent N, received M changes`');
}

/** `restore`: restored, or already there; `lostAllowed`: or the bytes are nowhere any more. */
export function restoreProblems(
  run: CliRun,
  path: string,
  eventId: string,
  { lostAllowed }: { lostAllowed: boolean },
): string[] {
  if (
    run.code === 0 &&
    run.stderr === '' &&
    (run.stdout === `restored ${path} to version ${eventId}\n` ||
      run.stdout === `${path} already holds version ${eventId}: nothing to restore\n`)
  )
    return [];
  if (lostAllowed)
    return oneLineFailure(
      run,
      `version ${eventId} of ${path} is no longer stored anywhere this device can reach (not in the folder nor on the hub)`,
    );
  return fail(run, `expected ${path} restored to ${eventId}`);
}

/** A second `start` on a running device: refused at once, naming the running process. */
export function refusedStartProblems(run: CliRun, daemonPid: number): string[] {
  return oneLineFailure(
    run,
    new RegExp(
      `^this device is already running: netguardian start \\(pid ${daemonPid}, since (\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d\\)\\. Stop it first, or run commands while it runs: they talk to it\\.$`,
    ),
  );
}

/** `upload`: where the file went and its size (`expectedPath` when it was free). */
export function uploadProblems(
  run: CliRun,
  source: string,
  size: number,
  expectedPath: string | undefined,
): { path?: string; problems: string[] } {
  const problems = succeeded(run, { progressAllowed: false });
  if (problems.length > 0) return { problems };
  const m = new RegExp(`^uploaded ${escape(source)} as (.+) \\(${size} bytes\\)\n$`).exec(
    run.stdout,
  );
  if (!m?.[1]) return { problems: fail(run, 'upload does not print `uploaded F as P (N bytes)`') };
  if (expectedPath !== undefined && m[1] !== expectedPath)
    return { problems: fail(run, `expected the file at ${expectedPath}`) };
  return { path: m[1], problems: [] };
}
