/**
 * Test support for `watchLimit.int.test.ts`, run in a user namespace whose inotify watch limit
 * the test set low: a WatcherControl on the folder given, printing one JSON line per thing it
 * says (`problem`, `scan`, `paths`, `watched`). Commands on stdin, one per line:
 * `limit N` sets this namespace's limit (root in it may), `watched` prints how many folders are
 * watched.
 */
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { IgnoreRules } from '../files/ignoreRules.js';
import { WatcherControl } from './watcherControl.js';

const root = process.argv[2];
if (root === undefined) throw new Error('usage: watchLimit.fixture.ts <folder>');
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const control = new WatcherControl({
  root,
  quietMs: 30,
  ignore: () => IgnoreRules.fromText(''),
  onPaths: (paths) => say({ paths }),
  fullScan: () => {
    say({ scan: true });
    return Promise.resolve();
  },
  onError: (message) => say({ error: message }),
  onProblem: (problem) => say({ problem }),
});
await control.start();
// Rescans every 300 ms, so the test need not wait a minute for one.
control.scheduleRescans(300);
say({ started: true, watched: control.watchedFolders() });

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(' ');
  if (command === 'limit') {
    await writeFile('/proc/sys/user/max_inotify_watches', `${arg}\n`);
    say({ limit: Number(arg) });
  } else if (command === 'watched') say({ watched: control.watchedFolders() });
}
await control.close();
