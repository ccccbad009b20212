/**
 * `netguardian` commands as real child processes (`init` once per device, then `start` daemons
 * that the crash test stops, starts and kills with SIGKILL), run from the CLI bundle the int
 * tier's globalSetup builds (a private copy of it: `cliSnapshot.ts`). What the daemon prints is kept line by line
 * with the time it arrived: its pino JSON log on stderr (NETGUARDIAN_LOG=info) and its activity on
 * stdout are the markers the test kills on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { childExit } from '../../../src-main/core/device/localPostgres/processControl.js';

/** Output kept per process (the tail): a failure message shows what it printed last. */
const KEEP_LINES = 2_000;

/** One line a daemon printed, parsed when it is a pino JSON line. */
export interface PrintedLine {
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** The log line's fields (`msg`, `module`, …) when the line is JSON. */
  readonly log: Readonly<Record<string, unknown>> | undefined;
}

export type LinePredicate = (line: PrintedLine) => boolean;

/** A log line with this `msg`, and optionally more fields to match. */
export const logged =
  (msg: string, where: (fields: Readonly<Record<string, unknown>>) => boolean = () => true) =>
  (line: PrintedLine): boolean =>
    line.log?.['msg'] === msg && where(line.log);

/** A line on stdout that starts with `prefix`. */
export const printed =
  (prefix: string) =>
  (line: PrintedLine): boolean =>
    line.stream === 'stdout' && line.text.startsWith(prefix);

/** A clean environment: nothing from the test's shell (DATABASE_URL, DB_* keys) reaches the device. */
function cliEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    NETGUARDIAN_LOG: 'info',
    NETGUARDIAN_LOG_FORMAT: 'json',
  };
}

/** A running (or exited) `netguardian` process and everything it printed. */
export class CliProcess {
  readonly lines: PrintedLine[] = [];
  private readonly waiters = new Set<() => void>();
  /** Gone, its output read to the end. */
  private closed = false;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]?.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const text of parts) this.take(stream, text);
      });
    }
    // 'close': the process is gone and its output read to the end.
    this.exited = new Promise((resolve) =>
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.closed = true;
        resolve({ code, signal });
        this.wake();
      }),
    );
  }

  /** Runs `cli` (the script that runs the CLI) with `args`, in `cwd`. */
  static spawn(label: string, cli: string, args: readonly string[], cwd: string): CliProcess {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: cliEnv(cwd),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new CliProcess(label, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private take(stream: PrintedLine['stream'], text: string): void {
    if (text.trim() === '') return;
    let log: Record<string, unknown> | undefined;
    if (text.startsWith('{')) {
      try {
        log = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // A line that only starts like JSON: kept as text.
        log = undefined;
      }
    }
    this.lines.push({ at: performance.now(), stream, text, log });
    if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES / 2);
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The first line so far that matches. */
  find(match: LinePredicate): PrintedLine | undefined {
    return this.lines.find(match);
  }

  /** The last lines printed, for failure messages. */
  tail(n = 40): string {
    return this.lines
      .slice(-n)
      .map((l) => l.text.slice(0, 400))
      .join('\n');
  }

  /**
   * The first line that matches (printed before or after the call), at most `timeoutMs`; fails
   * when the process exits first or the time is up.
   */
  waitFor(what: string, match: LinePredicate, timeoutMs: number): Promise<PrintedLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.find(match);
        if (hit) return done(() => resolve(hit));
        if (this.closed)
          done(() => reject(new Error(`${this.label} exited before ${what}:\n${this.tail()}`)));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(new Error(`${this.label}: no ${what} within ${timeoutMs} ms:\n${this.tail()}`)),
          ),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** SIGKILL, then its exit (bounded: a process SIGKILL cannot end is a broken machine). */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    if ((await childExit(this.child, 10_000)) === undefined)
      throw new Error(`${this.label} (pid ${this.pid}) did not exit after SIGKILL`);
  }

  /** SIGTERM (a clean stop) and its exit code; SIGKILL and a failure if it hangs. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const exit = await childExit(this.child, timeoutMs);
    if (exit === undefined) {
      await this.kill();
      throw new Error(`${this.label} did not stop within ${timeoutMs} ms:\n${this.tail()}`);
    }
    return exit.code;
  }

  /** Its exit code once it ends by itself (output read to the end), at most `timeoutMs`. */
  async finished(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const exit = await Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
    if (exit === 'late') {
      await this.kill();
      throw new Error(`${this.label} did not finish within ${timeoutMs} ms:\n${this.tail()}`);
    }
    return exit.code;
  }
}

/** Runs a one-shot command to its end; fails with its output unless it exits 0. */
export async function runCli(
  label: string,
  cli: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 60_000,
): Promise<CliProcess> {
  const run = CliProcess.spawn(label, cli, args, cwd);
  const code = await run.finished(timeoutMs);
  if (code !== 0) throw new Error(`${label} exited ${code}:\n${run.tail()}`);
  return run;
}
