/**
 * A running device whose folder is on a small, nearly full disk (issue 15, point 4): a 16 MiB
 * tmpfs holds the laptop's folder, and a file outside the folder on the same disk takes 8 MiB of
 * it. The laptop keeps 1 MiB free (`diskReserveBytes` in its config). Files pulled from the hub
 * that fit are written; the one that does not is not written at all, `status` lists it as waiting
 * for space with how much more it needs, and once the other file is deleted it is written with
 * nothing else done (no sync, no scan, no command): the device notices the space by itself.
 * Real devices (PGlite stores), a real hub (PostgreSQL), the real watcher and live channel.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountSmallDisk, type SmallDisk } from '../support/smallDisk.js';
import { DeviceSlot, type TestDevice } from './support/devices.js';
import { fileEntry, pollUntil, sha256Of } from './support/folderTree.js';
import { TestHub } from './support/testHub.js';

const MiB = 1024 * 1024;
const KiB = 1024;

let hub: TestHub;
let desk: DeviceSlot;
let lap: DeviceSlot;
const opened: TestDevice[] = [];
let disk: SmallDisk | undefined;

beforeAll(async () => {
  hub = await TestHub.create('foldersync_space');
  desk = await DeviceSlot.create(hub, 'desk');
  lap = await DeviceSlot.create(hub, 'lap');
});

afterAll(async () => {
  for (const d of opened) await d.device.close();
  await disk?.unmount();
  await desk?.close();
  await lap?.close();
  await hub?.close();
});

/** Until `rel` in `d`'s folder holds `bytes` (bounded). */
async function holds(d: TestDevice, rel: string, bytes: Uint8Array, timeoutMs = 20_000) {
  const want = sha256Of(bytes);
  await pollUntil(
    `${d.name} to hold ${rel}`,
    async () => {
      const got = await readFile(d.abs(rel)).catch(() => undefined);
      return got && sha256Of(got) === want ? true : undefined;
    },
    { timeoutMs },
  );
}

describe('a running device on a disk short of space', () => {
  it('lists what does not fit as waiting for space, writes nothing of it, and writes it by itself once space is freed', async () => {
    const spaceId = hub.newSpaceId('space');
    // The laptop's folder is <slot>/<space>/outer/folder: the disk is mounted on `outer`.
    const outer = path.dirname(lap.folderFor(spaceId));
    disk = await mountSmallDisk(outer, 16 * MiB);
    const d = await desk.open(spaceId);
    const l = await lap.open(spaceId, { diskReserveBytes: MiB });
    opened.push(d, l);
    await l.device.start();
    // The folder's marker (one 4 KiB page; `tree` leaves it out) is all the folder holds.
    expect(await l.tree()).toEqual({});
    expect(await disk.free()).toBe(16 * MiB - 4 * KiB);
    // Another program's file, on the same disk outside the folder.
    await writeFile(path.join(outer, 'filler.bin'), Buffer.alloc(8 * MiB, 7));

    const a = randomBytes(3 * MiB);
    const b = randomBytes(3 * MiB);
    const c = randomBytes(3 * MiB);
    await writeFile(d.abs('a.bin'), a);
    await writeFile(d.abs('b.bin'), b);
    await d.sync();
    await holds(l, 'a.bin', a);
    await holds(l, 'b.bin', b);
    // 16 MiB - 4 KiB (marker) - 8 (filler) - 6 (a, b): 2 MiB - 4 KiB free, less than the 1 MiB
    // kept plus c.bin's 3: 2 MiB + 4 KiB more are needed (2.0 MB in words).
    await writeFile(d.abs('c.bin'), c);
    await d.sync();
    const waiting = {
      path: 'c.bin',
      reason: 'no-space',
      side: 'remote',
      message: `it needs 2.0 MB more free space on ${outer} (NetGuardian keeps 1.0 MB free there): it is written by itself once there is room`,
    };
    await pollUntil('the laptop to list c.bin as waiting for space', () =>
      Promise.resolve(l.device.unsyncable().total > 0 ? true : undefined),
    );
    expect(l.device.unsyncable()).toEqual({ total: 1, files: [waiting] });
    expect((await l.device.status()).unsyncable).toEqual({ total: 1, files: [waiting] });
    // Nothing of c.bin on the disk: no temp file, not a byte more than a.bin and b.bin.
    expect(await l.tree()).toEqual({
      'a.bin': fileEntry(a),
      'b.bin': fileEntry(b),
    });
    expect(await disk.free()).toBe(2 * MiB - 4 * KiB);
    // Still waiting a while later: it is not retried into a full disk.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(l.device.unsyncable().total).toBe(1);
    expect(await disk.free()).toBe(2 * MiB - 4 * KiB);

    // The user frees space, and does nothing else.
    await rm(path.join(outer, 'filler.bin'));
    await holds(l, 'c.bin', c, 30_000);
    await pollUntil('the list to be empty', () =>
      Promise.resolve(l.device.unsyncable().total === 0 ? true : undefined),
    );
    expect(await l.tree()).toEqual({
      'a.bin': fileEntry(a),
      'b.bin': fileEntry(b),
      'c.bin': fileEntry(c),
    });
    expect(l.errors()).toEqual([]);
  });
});
