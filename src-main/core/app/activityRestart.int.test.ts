import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../../src-shared/ipc/contract.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { writeDeviceConfig, type DeviceConfig } from '../deviceConfig.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { ACTIVITY_FILE, readActivity } from './activityFile.js';
import { createAppService, type AppService } from './appService.js';

/**
 * Activity survives a restart (issue 16 point 4): a device core (its AppService on a PGlite store
 * kept in the data dir, a real folder) is closed and opened again on the same data dir, and the
 * activity list reads back what happened before, newest first, and goes on from it.
 */

let tmp: TempDir;
let dataDir: string;
let folder: string;

beforeAll(async () => {
  tmp = await makeTempDir('ng-activity-');
  dataDir = path.join(tmp.path, 'data');
  folder = path.join(tmp.path, 'folder');
  await mkdir(folder, { recursive: true });
  const config: DeviceConfig = {
    version: 1,
    folder,
    spaceId: 'default',
    deviceName: 'laptop',
    hub: null,
    syncIntervalMs: 60_000,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  };
  await writeDeviceConfig(dataDir, config);
});
afterAll(async () => {
  await tmp?.cleanup();
});

interface Core {
  readonly service: AppService;
  close(): Promise<void>;
}

/** Opens the device core as a start of the app does: the store from the data dir, then the service. */
async function openCore(): Promise<Core> {
  const store = await EventStore.open(await openPgliteClient(path.join(dataDir, 'pglite')));
  const service = await createAppService({ dataDir, store, quietMs: 30, statePushMs: 20 });
  await service.start();
  return {
    service,
    close: async () => {
      await service.close();
      await store.close();
    },
  };
}

/** Resolves once the activity list holds an item `test` accepts (polled on pushes). */
async function untilActivity(
  service: AppService,
  test: (items: readonly ActivityItem[]) => boolean,
): Promise<readonly ActivityItem[]> {
  for (;;) {
    const items = await service['activity:list']({});
    if (test(items)) return items;
    await new Promise<void>((resolve) => {
      const stop = service.subscribe((m) => {
        if (m.channel !== 'activity') return;
        stop();
        resolve();
      });
    });
  }
}

describe('activity across a restart', () => {
  it('reads back what happened before the restart, and goes on from it', async () => {
    const first = await openCore();
    let before: readonly ActivityItem[];
    try {
      await writeFile(path.join(folder, 'notes.txt'), 'notes');
      await first.service['settings:update']({ ignoreRules: '*.tmp\n' });
      await first.service['sync:pause']({ paused: true });
      before = await untilActivity(first.service, (items) =>
        items.some((i) => i.message === 'In this folder: 1 file added'),
      );
      // Newest first: what was noted last heads the list.
      expect(before.map((i) => i.message)).toEqual(
        expect.arrayContaining([
          'Ignore rules saved',
          'Sync paused',
          'In this folder: 1 file added',
        ]),
      );
    } finally {
      await first.close();
    }

    // Private to the user, as everything in the data dir.
    expect((await stat(path.join(dataDir, ACTIVITY_FILE))).mode & 0o777).toBe(0o600);

    const second = await openCore();
    try {
      const after = await second.service['activity:list']({});
      // Everything from before, in the same order, with the same ids (links and pushes keyed by id).
      expect(after.slice(-before.length)).toEqual(before);
      await second.service['sync:pause']({ paused: false });
      const resumed = await untilActivity(second.service, (items) =>
        items.some((i) => i.message === 'Sync resumed'),
      );
      const newest = resumed[0] as ActivityItem;
      expect(newest.message).toBe('Sync resumed');
      // A new item never takes an id the restored ones hold.
      expect(before.some((i) => i.id === newest.id)).toBe(false);
    } finally {
      await second.close();
    }
    const kept = await readActivity(dataDir);
    expect(kept.at(-1)?.message).toBe('Sync resumed');
  });

  it('starts an empty list from a file that is not a list of items, and skips items that are not', async () => {
    const dir = path.join(tmp.path, 'odd');
    await mkdir(dir);
    await writeFile(path.join(dir, ACTIVITY_FILE), '{"half": ');
    expect(await readActivity(dir)).toEqual([]);
    await writeFile(
      path.join(dir, ACTIVITY_FILE),
      JSON.stringify([
        { id: 4, at: 1000, kind: 'sync', message: 'Sync paused' },
        { id: 'x', at: 1000, kind: 'sync', message: 'no id' },
        { id: 5, at: 2000, kind: 'shouting', message: 'unknown kind' },
        {
          id: 6,
          at: 3000,
          kind: 'error',
          message: 'The disk is full.',
          repeats: { count: 3, since: 1500 },
        },
      ]),
    );
    expect(await readActivity(dir)).toEqual([
      { id: 4, at: 1000, kind: 'sync', message: 'Sync paused' },
      {
        id: 6,
        at: 3000,
        kind: 'error',
        message: 'The disk is full.',
        repeats: { count: 3, since: 1500 },
      },
    ]);
    expect(await readFile(path.join(dir, ACTIVITY_FILE), 'utf8')).toContain('"id":4');
  });
});
