/**
 * Issue 14 point 1: when the OS's limit on watches is reached, the device says so in words with
 * the fix, keeps working through rescans, and watches everything again once the limit is raised
 * (no restart). The limit is real: the fixture runs in a user namespace (`unshare -U -r`) whose
 * own inotify limit (`/proc/sys/user/max_inotify_watches`, counted per namespace) the test sets
 * to 6, so nothing else on the machine is affected.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';

const FIXTURE = fileURLToPath(new URL('./watchLimit.fixture.ts', import.meta.url));
const LIMIT = 6;

/** The fixture in its own user namespace, its JSON lines awaited one condition at a time. */
function startInNamespace(folder: string) {
  const child = spawn(
    'unshare',
    [
      '-U',
      '-r',
      'sh',
      '-c',
      `echo ${LIMIT} > /proc/sys/user/max_inotify_watches && exec "$0" --import tsx "$1" "$2"`,
      process.execPath,
      FIXTURE,
      folder,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
  let wake = () => undefined as void;
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    wake();
  });
  const waitFor = (test: (line: Record<string, unknown>) => boolean, what: string, from = 0) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no ${what} within 20 s; printed ${JSON.stringify(lines)}; ${stderr.join('')}`,
            ),
          ),
        20_000,
      );
      const check = () => {
        const found = lines.slice(from).find(test);
        if (!found) return;
        clearTimeout(timer);
        resolve(found);
      };
      wake = check;
      check();
    });
  return {
    lines,
    waitFor,
    send: (command: string) => child.stdin.write(`${command}\n`),
    stop: () => {
      child.kill('SIGKILL');
    },
  };
}

describe('the OS limit on watches, reached for real (a user namespace with a limit of 6)', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir('ng-watch-limit-');
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it('is said in words with the fix, rescans stand in, and raising it is enough', async () => {
    // 12 folders under the root: 13 to watch, more than the 6 allowed.
    for (const top of ['a', 'b', 'c'])
      for (const sub of ['1', '2', '3'])
        await mkdir(path.join(dir.path, top, sub), { recursive: true });
    const fixture = startInNamespace(dir.path);
    try {
      const said = await fixture.waitFor((l) => 'problem' in l, 'problem');
      expect(said['problem']).toMatchObject({ kind: 'limit' });
      const started = await fixture.waitFor((l) => l['started'] === true, 'start');
      expect(started['watched']).toBeLessThanOrEqual(LIMIT);
      // The device keeps working: full rescans run (every 300 ms here, every minute by default).
      const mark = fixture.lines.length;
      await fixture.waitFor((l) => l['scan'] === true, 'rescan', mark);
      // The limit raised: the next rescan watches every folder, and says the problem is gone.
      const raised = fixture.lines.length;
      fixture.send('limit 100');
      await fixture.waitFor(
        (l) => 'problem' in l && l['problem'] === null,
        'problem cleared',
        raised,
      );
      const counted = fixture.lines.length;
      fixture.send('watched');
      expect(await fixture.waitFor((l) => 'watched' in l, 'watched count', counted)).toEqual({
        watched: 13,
      });
    } finally {
      fixture.stop();
    }
  });
});
