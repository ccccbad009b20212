import { errorInWords } from '../../../src-shared/errorWords.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import { countOf, formatCount } from '../../../src-shared/words.js';
import { folderProblemActivity } from '../../../src-shared/folderProblems.js';
import { watcherProblemFact, watcherProblemRemedy } from '../../../src-shared/watcherProblems.js';
import type { ActivityItem, ActivityKind } from '../../../src-shared/ipc/contract.js';
import type { DeviceEvent } from '../device/device.js';
import type { EntityChange } from '../store/eventStore.js';
import type { LiveState } from './appState.js';

/**
 * What happened, in plain words ("3 files from laptop reached this device"):
 * `describeDeviceEvent` turns a device event into sentences (pure), and
 * `ActivityLog` keeps the latest ones in a bounded ring.
 */

export interface ActivityDraft {
  readonly kind: ActivityKind;
  readonly message: string;
  readonly path?: string;
  /** `path` is a folder. */
  readonly folder?: boolean;
}

/** One entity a sync run changed, reduced to what a sentence needs. */
export interface ChangeSummary {
  readonly path: string;
  /** A folder, not a file (counted apart: "3 files and 1 folder"). */
  readonly folder: boolean;
  /** The device that made the latest change. */
  readonly nodeId: string | null;
  /** It was there before the run (else the run added it: "added", not "changed"). */
  readonly existedBefore: boolean;
  readonly existsAfter: boolean;
  readonly conflictsBefore: number;
  readonly conflictsAfter: number;
  readonly lostDeletesBefore: number;
  readonly lostDeletesAfter: number;
}

export function summarizeChange(change: EntityChange): ChangeSummary {
  const before = change.before?.get();
  const after = change.after.get();
  return {
    path: change.entityId,
    // A deleted folder has no content left: what it was before says it was a folder.
    folder: isDirectoryContent(after.content ?? before?.content),
    nodeId: after.lastChange?.nodeId ?? null,
    existedBefore: before?.exists === true,
    existsAfter: after.exists,
    conflictsBefore: before?.conflicts.length ?? 0,
    conflictsAfter: after.conflicts.length,
    lostDeletesBefore: before?.lostDeletes.length ?? 0,
    lostDeletesAfter: after.lostDeletes.length,
  };
}

export interface DescribeContext {
  readonly thisNode: string;
  /** A device's name for people (its node id when unknown). */
  readonly nameOf: (nodeId: string) => string;
}

/** "3 files and 1 folder", "1 folder": each counted apart, a kind with none left out. */
function filesAndFoldersOf(total: number, folders: number): string {
  const files = total - folders;
  return [files > 0 ? countOf(files, 'file') : '', folders > 0 ? countOf(folders, 'folder') : '']
    .filter((p) => p !== '')
    .join(' and ');
}

const filesAndFolders = (list: readonly ChangeSummary[]): string =>
  filesAndFoldersOf(list.length, list.filter((c) => c.folder).length);

/** What happened to one path: "was added", "changed", "was deleted". */
const happened = (c: ChangeSummary): string =>
  !c.existsAfter ? 'was deleted' : c.existedBefore ? 'changed' : 'was added';

/** Sentences for the changes a sync run brought in: per device, then conflicts one by one. */
export function describeIncoming(
  changes: readonly ChangeSummary[],
  ctx: DescribeContext,
): ActivityDraft[] {
  const out: ActivityDraft[] = [];
  const byNode = new Map<string, ChangeSummary[]>();
  for (const c of changes) {
    if (c.nodeId === null || c.nodeId === ctx.thisNode) continue;
    // Made and deleted elsewhere before this device had it: nothing happened here to tell of.
    if (!c.existedBefore && !c.existsAfter) continue;
    byNode.set(c.nodeId, [...(byNode.get(c.nodeId) ?? []), c]);
  }
  for (const [node, list] of byNode) {
    const deleted = list.filter((c) => !c.existsAfter);
    const changed = list.filter((c) => c.existsAfter);
    const parts = [
      changed.length > 0
        ? `${filesAndFolders(changed)} from ${ctx.nameOf(node)} reached this device`
        : '',
      deleted.length > 0 ? `${filesAndFolders(deleted)} deleted on ${ctx.nameOf(node)}` : '',
    ].filter((p) => p !== '');
    const only = list.length === 1 ? list[0] : undefined;
    out.push({
      kind: 'change',
      message: only ? `${only.path} ${happened(only)} on ${ctx.nameOf(node)}` : parts.join('; '),
      ...(only ? { path: only.path, ...(only.folder ? { folder: true } : {}) } : {}),
    });
  }
  for (const c of changes) {
    if (c.conflictsAfter > c.conflictsBefore) {
      out.push({
        kind: 'conflict',
        message: `${c.path} was changed on two devices at once: both versions are kept, review it in Conflicts`,
        path: c.path,
      });
    } else if (c.conflictsBefore > 0 && c.conflictsAfter === 0) {
      out.push({
        kind: 'resolved',
        message: `The conflict on ${c.path} was settled`,
        path: c.path,
      });
    }
    if (c.lostDeletesAfter > c.lostDeletesBefore) {
      out.push({
        kind: 'change',
        message: `${c.path} was deleted on one device and edited on another: the edit was kept`,
        path: c.path,
      });
    }
  }
  return out;
}

/** Sentences for one device event; most progress events say nothing. */
export function describeDeviceEvent(event: DeviceEvent, ctx: DescribeContext): ActivityDraft[] {
  switch (event.type) {
    case 'scan':
    case 'sync-progress':
    case 'uploading':
    case 'upload':
    case 'download':
    case 'materialize':
    case 'noticed':
      return [];
    case 'local-change': {
      const { created, updated, deleted, foldersCreated = 0, foldersDeleted = 0 } = event.summary;
      const parts = [
        created > 0 ? `${filesAndFoldersOf(created, foldersCreated)} added` : '',
        updated > 0 ? `${formatCount(updated)} changed` : '',
        deleted > 0 ? `${filesAndFoldersOf(deleted, foldersDeleted)} deleted` : '',
      ].filter((p) => p !== '');
      if (parts.length === 0) return [];
      return [{ kind: 'change', message: `In this folder: ${parts.join(', ')}` }];
    }
    case 'synced': {
      const r = event.report;
      if (r.error !== null) return [{ kind: 'error', message: `Sync failed: ${r.error}` }];
      const out: ActivityDraft[] = [];
      if (r.sent > 0)
        out.push({ kind: 'sync', message: `${countOf(r.sent, 'change')} sent to the hub` });
      out.push(...describeIncoming(r.changes.map(summarizeChange), ctx));
      if (r.quarantined.length > 0) {
        out.push({
          kind: 'error',
          message: `${countOf(r.quarantined.length, 'change')} from other devices held aside: ${r.quarantined[0]?.message ?? ''}`,
        });
      }
      return out;
    }
    case 'error':
      return [{ kind: 'error', message: event.message }];
    case 'folder':
      return [
        event.problem === null
          ? { kind: 'sync', message: `The folder ${event.folder} is back: syncing again` }
          : { kind: 'error', message: folderProblemActivity(event.problem, event.folder) },
      ];
    case 'watcher':
      return [
        event.problem === null
          ? { kind: 'sync', message: 'Every folder is watched again: changes are noticed at once' }
          : {
              kind: 'error',
              message: `${watcherProblemFact(event.problem)} ${watcherProblemRemedy(event.problem)}`,
            },
      ];
    default: {
      const never: never = event;
      throw new Error(`unhandled device event ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The hub answers again after it could not be reached (the live state's offline failure was
 * cleared by a batch or a run that reached it): said once, so a log that told of the outage
 * also tells when it ended.
 */
export function describeReconnect(before: LiveState, after: LiveState): ActivityDraft[] {
  return before.lastError?.offline === true && after.lastError === null
    ? [{ kind: 'sync', message: 'The hub answers again: syncing goes on' }]
    : [];
}

/** How far back an error looks for the same error to count as a repeat of it. */
const REPEAT_LOOKBACK = 20;

/**
 * The latest activity, oldest dropped first. An error that says what a recent error said, with no
 * successful sync since, is a repeat: that item is counted again and becomes the newest (the
 * same id, `repeats`), rather than one row per retry.
 */
export interface ActivityLogOptions {
  /** The list kept from before (oldest first): a restart goes on from it (activityFile.ts). */
  readonly restored?: readonly ActivityItem[];
  /** After each change, the whole list (oldest first), to keep it. */
  readonly onChange?: (items: readonly ActivityItem[]) => void;
}

export class ActivityLog {
  private readonly items: ActivityItem[];
  private nextId: number;
  private readonly onChange: ((items: readonly ActivityItem[]) => void) | undefined;

  constructor(
    private readonly capacity = 500,
    private readonly now: () => number = Date.now,
    options: ActivityLogOptions = {},
  ) {
    this.items = (options.restored ?? []).slice(-capacity);
    this.nextId = this.items.reduce((max, item) => Math.max(max, item.id), 0) + 1;
    this.onChange = options.onChange;
  }

  add(input: ActivityDraft): ActivityItem {
    // Every failure, whoever noted it, in the catalogue's words (src-shared/errorWords.ts): no
    // raw "connect ECONNREFUSED …" reaches the list, and a repeat is recognized by those words.
    const draft =
      input.kind === 'error' ? { ...input, message: errorInWords(input.message) } : input;
    const repeated = draft.kind === 'error' ? this.sameErrorSinceLastSync(draft.message) : -1;
    if (repeated >= 0) {
      const [before] = this.items.splice(repeated, 1) as [ActivityItem];
      const again: ActivityItem = {
        ...before,
        at: this.now(),
        repeats: {
          count: (before.repeats?.count ?? 1) + 1,
          since: before.repeats?.since ?? before.at,
        },
      };
      this.items.push(again);
      this.onChange?.(this.items);
      return again;
    }
    const item: ActivityItem = {
      id: this.nextId++,
      at: this.now(),
      kind: draft.kind,
      message: draft.message,
      ...(draft.path !== undefined ? { path: draft.path } : {}),
      ...(draft.folder === true ? { folder: true } : {}),
    };
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    this.onChange?.(this.items);
    return item;
  }

  /** Where the error saying `message` is, if it came after the last successful sync; else -1. */
  private sameErrorSinceLastSync(message: string): number {
    const stop = Math.max(0, this.items.length - REPEAT_LOOKBACK);
    for (let i = this.items.length - 1; i >= stop; i--) {
      const item = this.items[i] as ActivityItem;
      if (item.kind === 'sync') return -1;
      if (item.kind === 'error' && item.message === message) return i;
    }
    return -1;
  }

  /** Newest first. */
  list(): ActivityItem[] {
    return [...this.items].reverse();
  }
}
