/** The shell commands the folder scenarios time or wait for, each with a bounded wait. */
import { spawn } from 'node:child_process';

/** Runs `command args` to completion (at most `timeoutMs`); returns its wall time in ms. */
async function runTimed(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal}`));
    });
  });
  return performance.now() - started;
}

/** `cp -r src dst`; returns its wall time. */
export function timeCpR(src: string, dst: string, timeoutMs = 600_000): Promise<number> {
  return runTimed('cp', ['-r', src, dst], timeoutMs);
}

/**
 * `sync`: writes back everything the bench itself just wrote (a tree and its copy, ~200 MiB),
 * before a timed scenario starts. Otherwise the scenario's first flushes (the hub's commits,
 * the receiving device's syncfs of its temp files) wait for that writeback: a user's folder was
 * on disk long before the app met it. Returns its wall time.
 */
export function writeBack(timeoutMs = 300_000): Promise<number> {
  return runTimed('sync', [], timeoutMs);
}
