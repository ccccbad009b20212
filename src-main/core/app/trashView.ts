import type { TrashEmptyReport, TrashView } from '../../../src-shared/ipc/contract.js';
import type { Device } from '../device/device.js';
import { trashLimitsOf } from '../deviceConfig.js';
import { trashByteLimit } from '../files/trashPolicy.js';
import { emptyTrash, measuredItems } from '../files/trashRetention.js';

/** Items `trash:list` sends; the count and bytes are of all of them. */
const LISTED = 1_000;

/** `trash:list`: the device's trash, newest first, with its limits (the config's). */
export async function trashViewOf(device: Device): Promise<TrashView> {
  const items = await measuredItems(device.materializer.trash);
  const limits = trashLimitsOf(device.options.config);
  return {
    items: items.slice(0, LISTED).map((i) => ({
      id: i.id,
      path: i.path,
      kind: i.kind,
      bytes: i.bytes,
      reason: i.reason,
      trashedAt: Date.parse(i.trashedAt),
    })),
    count: items.length,
    bytes: items.reduce((sum, i) => sum + i.bytes, 0),
    limits: {
      ...limits,
      maxBytes: trashByteLimit(limits, await device.index.totalFileBytes()),
    },
  };
}

/** `trash:empty`: every item, or those trashed more than `olderThanMs` ago. */
export async function emptyTrashOf(
  device: Device,
  olderThanMs: number | undefined,
  now: number,
): Promise<TrashEmptyReport> {
  const { removed, removedBytes, left, leftBytes } = await emptyTrash(device.materializer.trash, {
    now,
    olderThanMs,
  });
  return { removed, removedBytes, left, leftBytes };
}
