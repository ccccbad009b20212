/**
 * Example 3, conflict resolution: the laptop and the desktop edit the same file while offline,
 * then both sync. Every device picks the same winner (the newest edit: the greatest (modification
 * time, hlc, event id); here no modification times are recorded, so the hlc decides); the losing
 * version is not dropped: it stays in the file's `conflicts` and has a deterministic
 * conflict-copy name. "Keep both" then writes a resolution that both devices converge on.
 */
import { conflictCopyPath, type FileView } from '../src-main/index.js';
import { contentOf, expectOk, short, type Device, type Workspace } from './support/workspace.js';

export interface ConflictResolutionOutcome {
  readonly path: string;
  readonly winner: { readonly nodeId: string; readonly hlc: string };
  readonly loser: { readonly nodeId: string; readonly hlc: string; readonly hash: string };
  /** The conflict-copy name each device computes for the losing version (they must agree). */
  readonly copyPathByDevice: Readonly<Record<string, string>>;
  /** Conflicted files per device, from listConflicts, before resolving. */
  readonly conflictListByDevice: Readonly<Record<string, readonly string[]>>;
  /** After "keep both" and a sync: the file's hash and the copy's hash, per device. */
  readonly afterResolve: Readonly<
    Record<string, { fileHash: string; conflicts: number; copyHash: string | undefined }>
  >;
}

export async function conflictResolution(ws: Workspace): Promise<ConflictResolutionOutcome> {
  const { print } = ws;
  const laptop = await ws.openDevice('laptop');
  const desktop = await ws.openDevice('desktop');
  const path = 'report.md';

  expectOk(await laptop.crdt.createFileState(path, { content: contentOf('# Report\n') }), 'create');
  await laptop.sync.bidirectionalSync();
  await desktop.sync.bidirectionalSync();
  print(`laptop created ${path}; both devices synced, so both hold the same version.`);

  const mine = expectOk(
    await laptop.crdt.updateFileState(path, {
      content: contentOf('# Report\nlaptop wrote this\n'),
    }),
    'laptop edit',
  );
  const theirs = expectOk(
    await desktop.crdt.updateFileState(path, {
      content: contentOf('# Report\ndesktop wrote that\n'),
    }),
    'desktop edit',
  );
  print(
    `Offline, laptop edited it (${short(mine.content)}) and desktop edited it (${short(theirs.content)}): ` +
      'neither had seen the other edit, so their vector clocks are concurrent.',
  );

  await laptop.sync.bidirectionalSync();
  await desktop.sync.bidirectionalSync();
  await laptop.sync.bidirectionalSync();
  print('laptop synced, desktop synced, laptop synced again: both now hold both edits.');

  const views = new Map<string, FileView>();
  const copyPathByDevice: Record<string, string> = {};
  const conflictListByDevice: Record<string, string[]> = {};
  for (const device of [laptop, desktop]) {
    const view = await mustRead(device, path);
    views.set(device.name, view);
    const winner = view.winner;
    print(
      `On ${device.name}: the file is ${short(view.content)}, written by ${winner?.nodeId} at hlc ${winner?.hlc} ` +
        '(the newest edit among the versions: by modification time, then hlc).',
    );
    for (const lost of view.conflicts) {
      const copy = conflictCopyPath(view.entityId, lost);
      copyPathByDevice[device.name] = copy;
      print(
        `  The losing version ${short(lost.value)} by ${lost.nodeId} at hlc ${lost.hlc} is kept in the ` +
          `file's conflicts list and would be written next to it as "${copy}".`,
      );
    }
    conflictListByDevice[device.name] = (await device.crdt.listConflicts()).map((v) => v.entityId);
    const status = await device.sync.getSyncStatus();
    print(
      `  listConflicts: [${conflictListByDevice[device.name]?.join(', ')}]; getSyncStatus counts ${status.conflicts} conflict.`,
    );
  }

  const view = views.get('laptop') as FileView;
  const winner = view.winner;
  const loser = view.conflicts[0];
  if (!winner || !loser) throw new Error(`expected a winner and a losing version of ${path}`);

  expectOk(await laptop.sync.resolveConflicts(path, 'both'), 'resolveConflicts');
  print(
    'laptop resolved it with "keep both": a conflict_resolved event whose vector clock dominates both ' +
      'versions keeps the winner at the path, and the losing content becomes the copy file. ' +
      'resolveConflicts pushed it at once.',
  );
  await desktop.sync.bidirectionalSync();
  print('desktop synced.');

  const copyPath = conflictCopyPath(path, loser);
  const afterResolve: Record<
    string,
    { fileHash: string; conflicts: number; copyHash: string | undefined }
  > = {};
  for (const device of [laptop, desktop]) {
    const file = await mustRead(device, path);
    const copy = await device.crdt.getFileState(copyPath);
    afterResolve[device.name] = {
      fileHash: file.content?.hash ?? '',
      conflicts: file.conflicts.length,
      copyHash: copy?.exists ? copy.content?.hash : undefined,
    };
    print(
      `On ${device.name}: ${path} is ${short(file.content)} with ${file.conflicts.length} conflicts; ` +
        `${copyPath} ${copy?.exists ? `exists with ${short(copy.content)}` : 'is missing'}.`,
    );
  }

  return {
    path,
    winner: { nodeId: winner.nodeId, hlc: winner.hlc },
    loser: { nodeId: loser.nodeId, hlc: loser.hlc, hash: loser.value?.hash ?? '' },
    copyPathByDevice,
    conflictListByDevice,
    afterResolve,
  };
}

async function mustRead(device: Device, path: string): Promise<FileView> {
  const view = await device.crdt.getFileState(path);
  if (!view) throw new Error(`${device.name} has no ${path}`);
  return view;
}
