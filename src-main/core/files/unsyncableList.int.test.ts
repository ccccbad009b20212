import { execFileSync } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryChunks,
  openFolderDevice,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { hashFile } from './fileHasher.js';
import { IgnoreRules } from './ignoreRules.js';
import { createScanner } from './scanner.js';
import { LISTED_MAX } from './unsyncableList.js';

/**
 * Nothing is skipped in silence (issue 12 point 5): what the scanner finds in the folder and
 * cannot record is listed with its reason, and leaves the list once it is gone or syncs.
 */

let store: EventStore;
let spaceNo = 0;
let SPACE = '';
let tmp: TempDir;
let device: FolderDevice;
const servers: Server[] = [];

beforeAll(async () => {
  store = await EventStore.open(await openPgliteClient());
});
afterAll(async () => {
  await store.close();
});
beforeEach(async () => {
  SPACE = `unsyncable-${++spaceNo}`;
  tmp = await makeTempDir('ng-unsyncable-');
  device = await openFolderDevice({
    nodeId: 'laptop',
    spaceId: SPACE,
    dir: tmp.path,
    chunks: new MemoryChunks(),
    store,
  });
});
afterEach(async () => {
  for (const server of servers.splice(0))
    await new Promise<void>((resolve) => server.close(() => resolve()));
  await device.close();
  await tmp.cleanup();
});

const file = (rel: string) => path.join(device.root, ...rel.split('/'));
async function put(rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(file(rel)), { recursive: true });
  await writeFile(file(rel), content);
}
async function listenOn(rel: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file(rel), resolve));
}
/** The list as path → reason, sorted by path. */
const listed = () =>
  device.unsyncable.current().files.map((f) => [f.path, f.reason, f.side] as const);

describe('the local list of files that cannot sync', () => {
  it('lists symlinks, FIFOs and sockets with their reasons, and records the rest', async () => {
    await put('real.txt', 'real');
    await symlink(file('real.txt'), file('link.txt'));
    await mkdir(file('dir'));
    await symlink(file('dir'), file('dir-link'));
    execFileSync('mkfifo', [file('dir/pipe')]);
    await listenOn('sock');

    const summary = await device.scanner.fullScan();

    expect(summary.created).toBe(2); // real.txt and dir
    expect(listed()).toEqual([
      ['dir-link', 'symlink', 'local'],
      ['dir/pipe', 'special-file', 'local'],
      ['link.txt', 'symlink', 'local'],
      ['sock', 'special-file', 'local'],
    ]);
    expect(device.unsyncable.current().total).toBe(4);
    const messages = device.unsyncable.current().files.map((f) => f.message);
    expect(messages[0]).toMatch(/symbolic link/);
    expect(messages[1]).toMatch(/pipe, socket or device/);
  });

  it('drops an entry when the file is gone: at the next full scan, or when the watcher names it', async () => {
    await put('keep.txt', 'x');
    await symlink(file('keep.txt'), file('a-link'));
    execFileSync('mkfifo', [file('b-pipe')]);
    await device.scanner.fullScan();
    expect(listed().map(([p]) => p)).toEqual(['a-link', 'b-pipe']);

    await rm(file('b-pipe'));
    await device.scanner.scanPaths(['b-pipe']);
    expect(listed().map(([p]) => p)).toEqual(['a-link']);

    await rm(file('a-link'));
    await device.scanner.fullScan();
    expect(listed()).toEqual([]);
    expect(device.unsyncable.current().total).toBe(0);
  });

  it('a path the watcher names that became a FIFO is listed, and syncs again as a file', async () => {
    await put('turns.txt', 'a file first');
    await device.scanner.fullScan();
    await rm(file('turns.txt'));
    execFileSync('mkfifo', [file('turns.txt')]);

    await device.scanner.scanPaths(['turns.txt']);
    expect(listed()).toEqual([['turns.txt', 'special-file', 'local']]);

    await rm(file('turns.txt'));
    await put('turns.txt', 'a file again');
    const again = await device.scanner.scanPaths(['turns.txt']);
    expect(again.created).toBe(1); // the FIFO had taken the file's place: it was deleted
    expect(listed()).toEqual([]);
  });

  it('lists a file that fails to be read as unreadable, until it reads', async () => {
    await put('fine.txt', 'fine');
    await put('failing.txt', 'this one fails mid-read');
    const failing = (await hashFile(file('failing.txt'))).hash;
    let fail = true;
    // The IO seam: run as root, permissions stop nothing, so the read itself fails.
    const scanner = createScanner({
      root: device.root,
      spaceId: SPACE,
      index: device.index,
      manager: device.manager,
      ignore: () => IgnoreRules.fromText(''),
      unsyncable: device.unsyncable,
      onChunk: (ref) => {
        if (fail && ref.hash === failing) throw new Error('EIO: i/o error, read');
      },
    });

    await scanner.fullScan();
    expect(listed()).toEqual([['failing.txt', 'unreadable', 'local']]);
    expect(device.unsyncable.current().files[0]?.message).toBe(
      'it cannot be read (EIO: i/o error, read): check its permissions; it syncs once it can be read',
    );

    fail = false;
    const second = await scanner.fullScan();
    expect(second.created).toBe(1);
    expect(listed()).toEqual([]);
  });

  it('leaves out what the ignore rules leave out', async () => {
    device.setIgnore('*.sock\nbuild/\n');
    await listenOn('daemon.sock');
    await mkdir(file('build'));
    await symlink('/', file('build/root-link'));
    await symlink('/', file('root-link'));

    await device.scanner.fullScan();

    expect(listed()).toEqual([['root-link', 'symlink', 'local']]);
  });

  it('keeps an exact count past what it holds in memory, and shows the first by path', async () => {
    await mkdir(file('links'));
    const n = LISTED_MAX + 5;
    for (let i = 0; i < n; i++) await symlink('/', file(`links/l${String(i).padStart(4, '0')}`));

    await device.scanner.fullScan();

    const { total, files } = device.unsyncable.current();
    expect(total).toBe(1_005);
    expect(files).toHaveLength(1_000);
    expect(files[0]?.path).toBe('links/l0000');
    expect(files[999]?.path).toBe('links/l0999');

    // Leaving: the exact count follows entries that were never held in memory.
    for (let i = n - 3; i < n; i++) await rm(file(`links/l${String(i).padStart(4, '0')}`));
    await device.scanner.scanPaths(['links']);
    expect(device.unsyncable.current().total).toBe(1_002);
  });
});

describe('the list of received files that cannot be written here', () => {
  it('drops a path once the store has it deleted, at the next sweep of received paths', async () => {
    // A received file was listed (its folder was a file here), then deleted on its device; the
    // apply that brought the delete may not be the one that listed it.
    await put('keep.txt', 'keep\n');
    await device.scanner.fullScan();
    const listedRun = device.unsyncable.newRun();
    await device.unsyncable.note(listedRun, [
      { side: 'remote', path: 'd/gone.bin', reason: 'path-blocked', message: 'd is a file here' },
      { side: 'remote', path: 'd/live.bin', reason: 'path-blocked', message: 'd is a file here' },
    ]);
    const manager = device.manager;
    const content = { hash: 'a'.repeat(64), size: 1 };
    expect((await manager.createFileState('d/gone.bin', { content })).ok).toBe(true);
    expect((await manager.deleteFileState('d/gone.bin')).ok).toBe(true);
    expect((await manager.createFileState('d/live.bin', { content })).ok).toBe(true);

    // An apply of another path sweeps the received side.
    await device.materializer.apply(['keep.txt']);
    expect(listed()).toEqual([['d/live.bin', 'path-blocked', 'remote']]);
  });
});
