import { addedFileWords, addedWords } from '../../../src-shared/activityText.js';
import { countOf, formatBytes } from '../../../src-shared/words.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ContractHandlers, ResolveOutcome } from '../../../src-shared/ipc/contract.js';
import { normalizeEntityPath } from '../../../src-shared/paths.js';
import type { Device } from '../device/device.js';
import { restoreDeletedSince } from '../device/restoreDeleted.js';
import { contentOfEvent, restoreVersion } from '../device/restoreVersion.js';
import { openForDownload, type DownloadSource } from '../files/fileDownload.js';
import { entityAbsPath } from '../files/safePaths.js';
import { importStep } from './appState.js';
import type { ServiceCore } from './serviceCore.js';
import { conflictInfoOf } from './conflictView.js';
import { createDevicesHandlers } from './devicesHandlers.js';
import { createFileActionHandlers } from './fileActions.js';
import { listFiles } from './fileList.js';
import { historyOf } from './history.js';
import { createHubHandlers } from './hubHandlers.js';
import { testHub } from './hubTest.js';
import { importPaths } from './importFiles.js';
import type { OwnHub } from './ownHub.js';
import { receiveUpload, type UploadResult } from './receiveUpload.js';
import { createSettingsHandlers } from './settingsHandlers.js';
import { deviceStatusView, syncRunReport } from './statusView.js';
import { withoutDaemon } from './stateSummary.js';
import { versionContent } from './versionContent.js';
import { emptyTrashOf, trashViewOf } from './trashView.js';

/**
 * One handler per channel of the contract. Payloads arrive validated against
 * the contract's schemas; paths are checked again here as entity paths. Every
 * failure is a NetGuardianError whose message names what was wrong.
 */

/** A path from a request as an entity id, or InvalidPath naming the field. */
function entityIdOf(channel: string, given: string, field = 'path'): string {
  const id = normalizeEntityPath(given);
  if (!id.ok)
    throw new NetGuardianError(id.error.code, `${channel}: ${field}: ${id.error.message}`, field);
  return id.value;
}

export function createHandlers(
  core: ServiceCore,
  ownHub?: OwnHub,
): ContractHandlers & {
  receiveUpload(
    relPath: string,
    body: AsyncIterable<Uint8Array>,
    size: number | null,
  ): Promise<UploadResult>;
  openDownload(relPath: string): Promise<DownloadSource>;
} {
  const { host, names } = core;
  const device = () => host.device();

  /** After files were written into the folder: record them and sync soon. */
  const record = async (d: Device, paths: readonly string[]) => {
    const summary = await d.scanner.scanPaths(paths);
    const failed = summary.errors[0];
    if (failed)
      core.note({ kind: 'error', message: `${failed.path}: ${failed.message}`, path: failed.path });
    core.publish({ channel: 'files:changed', payload: { paths: [...paths] } });
    core.refresh();
    d.requestSync();
  };

  /** Whether a round on `d` syncs (a hub, not paused) or only scans. */
  const syncs = (d: Device) => d.hub !== undefined && !host.config.paused;
  /** One round (scan, pull, push), shown as syncing while it runs (`sync:now`, `sync:run`). */
  const runRound = async (d: Device) => {
    if (syncs(d)) core.setLive((live) => ({ ...live, syncing: true }));
    try {
      return await d.syncNow();
    } finally {
      core.setLive((live) => ({ ...live, syncing: false }));
      core.refresh();
    }
  };

  const importProgress = (payload: {
    done: number;
    total: number;
    bytes: number;
    totalBytes: number;
  }) => {
    core.setLive((live) => importStep(live, payload));
    core.publish({ channel: 'import:progress', payload });
  };
  /** An import into the folder (files or one upload), shown in the state while it runs. */
  const importing = async <T>(run: () => Promise<T>): Promise<T> => {
    core.setLive((live) => importStep(live, 'start'));
    try {
      return await run();
    } finally {
      core.setLive((live) => importStep(live, 'end'));
    }
  };

  return {
    'state:get': () => core.state(),

    'device:status': async () => {
      const d = await device();
      const status = await d.status();
      const running = core.running();
      const state = await core.headline();
      return deviceStatusView(status, {
        running,
        pendingDownload: await core.pendingDownload(),
        state: running ? state : withoutDaemon(state),
      });
    },

    'files:unsyncable': async () => (await device()).unsyncable(),

    'files:list': async (q) => {
      const d = await device();
      return listFiles(
        {
          db: d.store.client,
          spaceId: d.spaceId,
          thisNode: d.manager.nodeId,
          pushedSeq: d.hub ? ((await core.pushedSeq()) ?? 0) : null,
          nameOf: names.nameOf,
          ignore: d.ignoreRules,
          pendingDownloads: () => core.pendingDownloads(),
        },
        q,
      );
    },

    'conflicts:list': async () =>
      (await (await device()).manager.listConflicts()).map((view) => conflictInfoOf(view, names)),

    'conflicts:content': async ({ path, eventId }) => {
      const d = await device();
      const id = entityIdOf('conflicts:content', path);
      const view = await d.manager.getFileState(id);
      const sibling = [view?.winner, ...(view?.conflicts ?? []), ...(view?.lostDeletes ?? [])].find(
        (v) => v?.id === eventId,
      );
      const content = sibling ? sibling.value : (await contentOfEvent(d, id, eventId)).content;
      return versionContent(
        { root: d.root, index: d.index, chunks: d.hub?.chunks ?? null, spaceId: d.spaceId },
        id,
        content,
      );
    },

    'conflicts:resolve': async ({ items }) => {
      const d = await device();
      const results: ResolveOutcome[] = [];
      for (const item of items) {
        const id = normalizeEntityPath(item.path);
        if (!id.ok) {
          results.push({ path: item.path, ok: false, error: id.error.message });
          continue;
        }
        const resolved = await d.resolveConflict(id.value, item.keep);
        if (resolved.ok) {
          results.push({ path: id.value, ok: true });
          core.note({
            kind: 'resolved',
            message: `Kept ${item.keep === 'both' ? 'both versions' : item.keep === 'mine' ? 'this device’s version' : 'the other device’s version'} of ${id.value}`,
            path: id.value,
          });
        } else results.push({ path: id.value, ok: false, error: resolved.error.message });
      }
      core.publish({ channel: 'files:changed', payload: { paths: [] } });
      core.refresh();
      return { results };
    },

    'history:get': async ({ path }) =>
      historyOf(await device(), entityIdOf('history:get', path), names),

    'history:restore': async ({ path, eventId }) => {
      const id = entityIdOf('history:restore', path);
      const d = await device();
      const result = await restoreVersion(d, id, eventId);
      if (result.restored) {
        d.requestSync();
        core.note({ kind: 'change', message: `Restored an earlier version of ${id}`, path: id });
        core.publish({ channel: 'files:changed', payload: { paths: [id] } });
        // Counted before the answer: the restored version waits to be sent until it is.
        await core.refreshNow();
      }
      return result;
    },

    'history:restoreDeleted': async ({ since }) => {
      const d = await device();
      const report = await restoreDeletedSince(d, since);
      if (report.restored.length > 0) {
        d.requestSync();
        core.note({
          kind: 'change',
          message: `Restored ${countOf(report.restored.length, 'deleted item')}`,
        });
        core.publish({ channel: 'files:changed', payload: { paths: [] } });
        await core.refreshNow();
      }
      if (report.skipped.length > 0)
        core.note({
          kind: 'error',
          message: `${countOf(report.skipped.length, 'deleted item')} could not be restored: ${report.skipped[0]?.path}: ${report.skipped[0]?.reason}`,
        });
      return report;
    },

    ...createDevicesHandlers(core, ownHub),

    'activity:list': () => Promise.resolve(core.activity.list()),

    ...createSettingsHandlers(core, ownHub),

    'hub:test': (input) => testHub(input),
    ...createHubHandlers(core, ownHub),
    ...createFileActionHandlers(core),

    'sync:now': async () => {
      const d = await device();
      runRound(d).catch((e: unknown) =>
        core.note({ kind: 'error', message: `Sync failed: ${(e as Error).message}` }),
      );
      return { started: syncs(d) };
    },

    'sync:run': async () => {
      const round = await runRound(await device());
      return syncRunReport(round.scanned, round.sync, round.folder);
    },

    'sync:pause': async ({ paused }) => {
      if (host.config.paused !== paused) {
        await host.updateConfig({ ...host.config, paused }, false);
        core.note({ kind: 'sync', message: paused ? 'Sync paused' : 'Sync resumed' });
        core.refresh();
      }
      return { paused: host.config.paused };
    },

    'files:import': async ({ paths, targetDir }) => {
      const d = await device();
      const report = await importing(() =>
        importPaths(
          {
            root: d.root,
            record: (p) => record(d, p),
            onProgress: importProgress,
            space: d.diskSpace,
          },
          paths,
          targetDir,
        ),
      );
      core.note({ kind: 'upload', message: addedWords(report, targetDir) });
      return report;
    },

    'folder:open': async ({ path }) => {
      const d = await device();
      if (path === undefined || path === '' || path === '.') return { opened: false, path: d.root };
      const abs = entityAbsPath(d.root, entityIdOf('folder:open', path));
      if (!abs.ok)
        throw new NetGuardianError(
          abs.error.code,
          `folder:open: path: ${abs.error.message}`,
          'path',
        );
      return { opened: false, path: abs.value };
    },

    'folder:attach': async ({ force }) => {
      const d = await device();
      const report = await d.attachFolder(force);
      if (report.outcome === 'attached') {
        core.note({
          kind: 'sync',
          message: `The folder ${d.options.config.folder} was re-attached: syncing again`,
        });
        await core.refreshNow();
      }
      return report;
    },

    'trash:list': async () => trashViewOf(await device()),

    'trash:empty': async ({ olderThanMs }) => {
      const report = await emptyTrashOf(await device(), olderThanMs, Date.now());
      if (report.removed > 0)
        core.note({
          kind: 'change',
          message: `Emptied the trash: removed ${countOf(report.removed, 'item')} (${formatBytes(report.removedBytes)})`,
        });
      return report;
    },

    async openDownload(relPath) {
      return openForDownload((await device()).root, relPath);
    },

    async receiveUpload(relPath, body, size) {
      const d = await device();
      const result = await importing(() =>
        receiveUpload(
          {
            root: d.root,
            record: (p) => record(d, p),
            onProgress: importProgress,
            space: d.diskSpace,
          },
          relPath,
          body,
          size,
        ),
      );
      core.note({
        kind: 'upload',
        message: addedFileWords(result.path, result.size),
        path: result.path,
      });
      return result;
    },
  };
}
