import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileView } from '../../../src-shared/crdt/fileEntity.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { normalizeEntityPath } from '../../../src-shared/paths.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import type { IngestReport } from '../crdtManager.js';
import { refusalError } from '../files/diskSpace.js';
import { fsyncFile, renameDurably, tempPathBeside } from '../files/durableFs.js';
import { giveUpTemp } from '../files/staleTemps.js';
import { releaseTemp } from '../files/tempFiles.js';
import type { SyncReport } from '../syncEngine.js';
import { Device, type DeviceOptions, type DeviceStatus } from './device.js';

/**
 * The seed's CRDTFileHandler on top of a Device: put a file into the synced
 * folder, sync with the hub (or take in a peer's events), and read the status.
 */
export class CRDTFileHandler {
  constructor(readonly device: Device) {}

  static async open(options: DeviceOptions): Promise<CRDTFileHandler> {
    return new CRDTFileHandler(await Device.open(options));
  }

  /**
   * Copies `sourceFile` into the folder (at `as`, default its name at the top)
   * and records it. The copy goes through a temp file and a rename, so the
   * watcher never sees half a file, and is made durable (fsync, rename, fsync
   * of the folder) before it is recorded. Refused (`PayloadTooLarge`, `NoSpace`) when the
   * folder's disk can't take it (diskSpace.ts).
   */
  async uploadFile(sourceFile: string, as?: string): Promise<Result<FileView, NetGuardianError>> {
    const st = await stat(sourceFile).catch(() => undefined);
    if (!st?.isFile())
      return err(new NetGuardianError('NotFound', `${sourceFile} is not a file`, 'file'));
    const id = normalizeEntityPath(as ?? path.basename(sourceFile));
    if (!id.ok) return id;
    const target = path.join(this.device.root, ...id.value.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    // Over the per-file maximum, or no room for it keeping the disk's reserve: nothing is copied.
    const room = this.device.diskSpace.check(path.dirname(target), st.size);
    if (!room.ok) return err(refusalError(`uploading ${id.value}`, room.error));
    const tmp = tempPathBeside(target);
    try {
      await copyFile(sourceFile, tmp);
      await fsyncFile(tmp);
      await renameDurably(tmp, target);
    } catch (e) {
      // Where it was made, or where the user moved its folder meanwhile.
      await giveUpTemp(tmp, this.device.root);
      throw e;
    }
    releaseTemp(tmp);
    const summary = await this.device.scanner.scanPaths([id.value]);
    const failed = summary.errors[0];
    if (failed) return err(new NetGuardianError(failed.code, failed.message, 'file'));
    const view = await this.device.manager.getFileState(id.value);
    if (!view)
      return err(new NetGuardianError('StoreError', `${id.value} was copied but not recorded`));
    this.device.requestSync();
    return ok(view);
  }

  /**
   * With no argument: one sync round with the hub (scan, pull and materialize,
   * push). With events (the seed's form): takes them in as from a peer and
   * materializes what changed.
   */
  async syncWithRemote(
    remoteEvents?: readonly unknown[],
  ): Promise<SyncReport | IngestReport | undefined> {
    if (remoteEvents === undefined) return (await this.device.syncNow()).sync;
    const report = await this.device.manager.syncFromRemote(remoteEvents, 'syncWithRemote');
    if (report.changes.length > 0)
      await this.device.materializer.apply(report.changes.map((c) => c.entityId));
    return report;
  }

  getSyncStatus(): Promise<DeviceStatus> {
    return this.device.status();
  }

  close(): Promise<void> {
    return this.device.close();
  }
}
