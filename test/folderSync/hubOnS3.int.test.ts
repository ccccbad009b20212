/**
 * A hub whose file contents live in S3-compatible object storage (issue 17 points 1, 2 and 5),
 * run the way its owner runs it: `netguardian hub start --chunks s3://…` as a child process with
 * the S3 settings in its environment (the test's real S3 server: Swift with s3api), devices
 * paired and synced through the CLI. Checked: folders byte for byte on both devices, every chunk
 * an object (no bytes left in PostgreSQL), `hub spaces` and `hub quota`; and a hub that began on
 * PostgreSQL moving its chunks to S3 with `hub move-chunks` while a device keeps syncing, after
 * which the hub remembers its bucket (and refuses going back to PostgreSQL).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openS3ObjectStore } from '../../src-main/core/hubService/objectStore/s3ObjectStore.js';
import type { ObjectStore } from '../../src-main/core/hubService/objectStore/objectStore.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import type { SqlClient } from '../../src-main/core/store/sqlClient.js';
import { createFreshDatabase, type FreshDatabase } from '../support/freshDatabase.js';
import { testS3 } from '../support/s3Env.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { startLongRunning } from '../owner/support/netguardian.js';
import { CliHub } from './support/cliHub.js';
import { folderTree, writeRandomFile } from './support/folderTree.js';
import { addCliDevice, cliOk, runCli } from './support/runCli.js';

const MiB = 1024 * 1024;

let tmp: TempDir;
const opened: { db: FreshDatabase; sql: SqlClient; hub?: CliHub; objects: ObjectStore }[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('ng-hub-s3-');
});
afterAll(async () => {
  for (const o of opened) {
    await o.hub?.stop();
    o.objects.close();
    await o.sql.close();
    await o.db.drop();
  }
  await tmp?.cleanup();
});

/** A fresh database, a bucket of its own, and a way to look at both. */
async function freshHubPlace(name: string) {
  const db = await createFreshDatabase(`hub_s3_${name}`);
  const sql = await openPgClient({ connectionString: db.url, applicationName: 'hub-s3-test' });
  const s3 = testS3();
  const objects = await openS3ObjectStore(s3.location, s3.env);
  const place: (typeof opened)[number] = { db, sql, objects };
  opened.push(place);
  return { place, s3 };
}

/** A folder's worth of ordinary files: small text, an empty file, nested folders, large ones. */
async function writeSampleFiles(folder: string, prefix: string, large: number): Promise<void> {
  await mkdir(path.join(folder, prefix, 'notes', 'old'), { recursive: true });
  for (let i = 0; i < 40; i++)
    await writeFile(
      path.join(folder, prefix, 'notes', i % 2 ? 'old' : '', `note-${i}.txt`),
      `note ${i} of ${prefix}\n`.repeat(i + 1),
    );
  await writeFile(path.join(folder, prefix, 'empty.txt'), '');
  for (let i = 0; i < large; i++)
    await writeRandomFile(path.join(folder, prefix, `video-${i}.bin`), 3 * MiB + i * 4099);
}

const chunkRows = async (sql: SqlClient) =>
  (
    await sql.query<{ inline: number; objects: number }>(
      `SELECT count(data)::int AS inline, count(object_key)::int AS objects FROM crdt_chunks`,
    )
  )[0];

describe('a hub with its chunks in S3-compatible object storage', () => {
  it('two devices sync byte for byte; every chunk is an object; hub spaces and hub quota tell and limit', async () => {
    const { place, s3 } = await freshHubPlace('sync');
    const root = path.join(tmp.path, 'sync');
    const hub = await CliHub.start(root, place.db.url, {
      args: ['--chunks', s3.location],
      env: s3.env,
    });
    place.hub = hub;
    expect(hub.output()).toContain(`file contents stored in ${s3.location}`);
    // No S3 secret reaches the output.
    expect(hub.output()).not.toContain(s3.env['AWS_SECRET_ACCESS_KEY']);

    const laptop = await addCliDevice(hub, 'family', 'laptop', root);
    const desktop = await addCliDevice(hub, 'family', 'desktop', root);
    await writeSampleFiles(laptop.folder, 'photos', 2);
    await cliOk(['sync', '--data', laptop.data]);
    await cliOk(['sync', '--data', desktop.data]);
    const laptopTree = await folderTree(laptop.folder);
    // 40 notes + empty + 2 videos, 3 folders.
    expect(Object.values(laptopTree).filter((e) => e.startsWith('file '))).toHaveLength(43);
    expect(await folderTree(desktop.folder)).toEqual(laptopTree);

    // Every chunk's bytes are an object; PostgreSQL holds the index only.
    const rows = await chunkRows(place.sql);
    expect(rows?.inline).toBe(0);
    expect(rows?.objects).toBeGreaterThanOrEqual(42);
    const listed = await place.objects.list('family/', 10_000);
    expect(listed).toHaveLength(rows?.objects ?? -1);

    // An edit on the desktop comes back to the laptop.
    await writeFile(path.join(desktop.folder, 'photos', 'notes', 'note-0.txt'), 'edited\n');
    await cliOk(['sync', '--data', desktop.data]);
    await cliOk(['sync', '--data', laptop.data]);
    expect(await folderTree(laptop.folder)).toEqual(await folderTree(desktop.folder));

    const spaces = await cliOk(['hub', 'spaces', '--data', hub.dataDir, '--json']);
    const [family] = JSON.parse(spaces) as {
      spaceId: string;
      devices: number;
      events: number;
      chunks: number;
      chunksAsObjects: number;
      bytes: number;
      quotaBytes: number | null;
    }[];
    expect(family).toMatchObject({ spaceId: 'family', devices: 2, quotaBytes: null });
    const now = await chunkRows(place.sql);
    expect(family?.chunks).toBe(now?.objects);
    expect(family?.chunksAsObjects).toBe(now?.objects);
    // At least the two videos' bytes and the notes', at most all of it twice over.
    expect(family?.bytes).toBeGreaterThan(6 * MiB);
    // 43 files created and 1 edited (each a create or a content event), at least.
    expect(family?.events).toBeGreaterThanOrEqual(44);

    // A mistyped space is refused, never made; a size that isn't one is named.
    const typo = await runCli(['hub', 'quota', 'famly', '1MB', '--data', hub.dataDir]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      `netguardian: this hub has no space famly (its spaces: family): a space begins when its first device joins (invite one: netguardian hub invite --data ${hub.dataDir} --space famly)\n`,
    );
    const lots = await runCli(['hub', 'quota', 'family', 'lots', '--data', hub.dataDir]);
    expect(lots.stderr).toBe(
      'netguardian: the quota must be a size such as 500MB, 10GB or 1TB (or "none"), not "lots"\n',
    );
    // A size with a dash is a wrong size too, not an option commander doesn't know.
    const negative = await runCli(['hub', 'quota', 'family', '-5MB', '--data', hub.dataDir]);
    expect(negative.stderr).toBe(
      'netguardian: the quota must be a size such as 500MB, 10GB or 1TB (or "none"), not "-5MB"\n',
    );
    // A number without its unit is not taken as bytes.
    const bare = await runCli(['hub', 'quota', 'family', '10', '--data', hub.dataDir]);
    expect(bare.stderr).toBe(
      'netguardian: the quota needs a unit: write 10GB, 10MB or 10B, not "10"\n',
    );
    // A quota below what the space holds: said at once; the next upload is refused in words,
    // nothing stored.
    expect(await cliOk(['hub', 'quota', 'family', '1MB', '--data', hub.dataDir])).toMatch(
      /^space family may store up to 1\.0 MB on the hub; uploads past it are refused\nspace family already holds \d+\.?\d* MB: every upload to it is refused until it holds less than the quota \(or the quota is raised\)\n$/,
    );
    await writeRandomFile(path.join(laptop.folder, 'photos', 'too-much.bin'), 2 * MiB);
    const refused = await runCli(['sync', '--data', laptop.data]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/over its quota of 1\.0 MB/);
    expect((await chunkRows(place.sql))?.objects).toBe(now?.objects);
    expect(await cliOk(['hub', 'quota', 'family', 'none', '--data', hub.dataDir])).toBe(
      'space family has no quota now\n',
    );
    await cliOk(['sync', '--data', laptop.data]);
    await cliOk(['sync', '--data', desktop.data]);
    expect(await folderTree(desktop.folder)).toEqual(await folderTree(laptop.folder));
    const lines = (await cliOk(['hub', 'spaces', '--data', hub.dataDir])).split('\n');
    expect(lines[0]).toMatch(/^space\s+devices\s+events\s+chunks\s+stored\s+quota$/);
    expect(lines[1]).toMatch(/^family\s+2\s+\d+\s+\d+\s+\d+\.?\d* MB\s+none$/);
  });

  it('moves a hub’s chunks from PostgreSQL to S3 while a device keeps syncing; the hub remembers its bucket', async () => {
    const { place, s3 } = await freshHubPlace('move');
    const root = path.join(tmp.path, 'move');
    let hub = await CliHub.start(root, place.db.url);
    place.hub = hub;
    expect(hub.output()).toContain('file contents stored in PostgreSQL');
    const laptop = await addCliDevice(hub, 'work', 'laptop', root);
    const desktop = await addCliDevice(hub, 'work', 'desktop', root);
    await writeSampleFiles(laptop.folder, 'before', 3);
    await cliOk(['sync', '--data', laptop.data]);
    const before = await chunkRows(place.sql);
    expect(before?.objects).toBe(0);
    expect(before?.inline).toBeGreaterThanOrEqual(43);

    // The same hub again on the same address, now on S3: new chunks go there, old ones are read
    // from PostgreSQL until moved.
    const address = hub.address;
    await hub.stop();
    hub = await CliHub.start(root, place.db.url, {
      args: ['--chunks', s3.location],
      env: s3.env,
      address,
    });
    place.hub = hub;
    // It says what is left behind, and how to move it.
    expect(hub.output()).toMatch(
      new RegExp(
        `^${before?.inline} chunks \\(.+\\) are still in PostgreSQL and served from there: move them with netguardian hub move-chunks --data `,
        'm',
      ),
    );
    // The move (its own process, as an admin runs it) and a device's sync of new files at once.
    const moving = startLongRunning(['hub', 'move-chunks', '--data', hub.dataDir], /^moved .*$/m);
    await writeSampleFiles(laptop.folder, 'during', 1);
    await cliOk(['sync', '--data', laptop.data]);
    const mover = await moving;
    expect((await mover.exited).code).toBe(0);
    const moved = mover.output();
    // Progress while it moved (stderr, a line every few seconds off a terminal), then the sum.
    expect(moved).toMatch(/^moving chunks to object storage: .+ of .+ \(\d+ of \d+ chunks\)$/m);
    expect(moved).toMatch(
      new RegExp(
        `^moved ${before?.inline} chunks \\(.+\\) to object storage; the hub serves them from there$`,
        'm',
      ),
    );
    // Every chunk is an object now, none is in PostgreSQL, and the bucket holds exactly those.
    const after = await chunkRows(place.sql);
    expect(after?.inline).toBe(0);
    expect(after?.objects).toBeGreaterThan(before?.inline ?? 0);
    expect(await place.objects.list('work/', 10_000)).toHaveLength(after?.objects ?? -1);
    // The other device gets everything, from S3, byte for byte.
    await cliOk(['sync', '--data', desktop.data]);
    expect(await folderTree(desktop.folder)).toEqual(await folderTree(laptop.folder));
    expect(Object.keys(await folderTree(desktop.folder))).toContain('during/video-0.bin');

    // The hub remembers where its chunks live: a start without --chunks goes to the same bucket,
    // and says in words what it lacks when the S3 settings are not in its environment.
    await hub.stop();
    place.hub = undefined;
    const hubStart = (extra: string[]) =>
      startLongRunning(
        [
          'hub',
          'start',
          '--data',
          path.join(root, 'hub'),
          '--listen',
          address,
          '--database-url',
          place.db.url,
          ...extra,
        ],
        /netguardian: .*/,
      );
    const bare = await hubStart([]);
    expect((await bare.exited).code).toBe(1);
    expect(bare.output()).toContain(
      `netguardian: NETGUARDIAN_S3_ENDPOINT is not set: chunks in ${s3.location} need the S3 server's URL`,
    );
    // Back to PostgreSQL would lose sight of every object: refused.
    const back = await hubStart(['--chunks', 'postgres']);
    expect((await back.exited).code).toBe(1);
    expect(back.output()).toContain(
      `netguardian: this hub keeps its chunks in ${s3.location}: start it with --chunks ${s3.location}`,
    );
    // With its settings it starts on the bucket it remembers, and serves the moved chunks.
    hub = await CliHub.start(root, place.db.url, { env: s3.env, address });
    place.hub = hub;
    expect(hub.output()).toContain(`file contents stored in ${s3.location}`);
    const third = await addCliDevice(hub, 'work', 'third', root);
    await cliOk(['sync', '--data', third.data]);
    expect(await folderTree(third.folder)).toEqual(await folderTree(laptop.folder));
  });
});
