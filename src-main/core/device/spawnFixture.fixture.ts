/**
 * Test support for the owner lock and control channel tests: runs a fixture script as a real
 * process (`node --import tsx <script> ...args`) and hands over its stdout line by line, so a
 * test awaits the line the fixture prints ("locked", "listening") instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface FixtureProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The next stdout line; rejects if the process exits first or `timeoutMs` passes. */
  nextLine(timeoutMs?: number): Promise<string>;
  /** SIGKILL, and wait until the process is gone (its descriptors are closed by then). */
  kill9(): Promise<void>;
}

export function spawnFixture(script: string, args: readonly string[]): FixtureProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const queued: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queued.push(line);
  });
  lines.on('close', () => {
    ended = true;
    for (const next of waiting.splice(0)) next(undefined);
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  return {
    child,
    pid: child.pid,
    nextLine(timeoutMs = 30_000) {
      const line = queued.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (ended) return Promise.reject(new Error(`${script} exited before printing a line`));
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script} printed nothing within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting.push((l) => {
          clearTimeout(timer);
          if (l === undefined) reject(new Error(`${script} exited before printing a line`));
          else resolve(l);
        });
      });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
