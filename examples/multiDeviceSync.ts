/**
 * Example 2, multi-device sync: two devices (each on its own PGlite store) and a hub
 * (PostgreSQL). The laptop creates files and syncs; the desktop pulls and sees them; the
 * desktop edits one and syncs; the laptop pulls and sees the edit.
 */
import { contentOf, expectOk, short, type Workspace } from './support/workspace.js';

export interface MultiDeviceSyncOutcome {
  /** Files the desktop sees after its first pull. */
  readonly desktopFiles: readonly string[];
  readonly laptopPushed: number;
  readonly desktopPulled: number;
  /** The edited file on the laptop after its pull: content hash and who changed it last. */
  readonly laptopSeesEdit: { readonly hash: string; readonly lastChangeBy: string | undefined };
  readonly desktopEditHash: string;
}

export async function multiDeviceSync(ws: Workspace): Promise<MultiDeviceSyncOutcome> {
  const { print } = ws;
  const laptop = await ws.openDevice('laptop');
  const desktop = await ws.openDevice('desktop');
  print(`Hub: ${ws.hub.description}; space "${ws.spaceId}".`);

  for (const [path, text] of [
    ['docs/plan.md', '# Plan\n1. sync folders\n'],
    ['photos/cat.jpg', 'not really a JPEG'],
    ['readme.txt', 'hello from the laptop\n'],
  ] as const) {
    expectOk(await laptop.crdt.createFileState(path, { content: contentOf(text) }), path);
  }
  print('laptop created docs/plan.md, photos/cat.jpg and readme.txt (offline: nothing sent yet).');

  const laptopSync = await laptop.sync.bidirectionalSync();
  print(
    `laptop bidirectionalSync: sent ${laptopSync.sent} events to the hub, received ${laptopSync.received}.`,
  );

  const desktopSync = await desktop.sync.pullSync();
  const desktopFiles = (await desktop.store.listSnapshots(ws.spaceId))
    .map((e) => e.get())
    .filter((v) => v.exists)
    .map((v) => v.entityId);
  print(
    `desktop pullSync: received ${desktopSync.received} events; it now has ${desktopFiles.join(', ')}.`,
  );

  const plan = 'docs/plan.md';
  const edited = expectOk(
    await desktop.crdt.updateFileState(plan, {
      content: contentOf('# Plan\n1. sync folders\n2. resolve conflicts\n'),
      fields: { editor: 'vim' },
    }),
    'desktop edit',
  );
  const pushed = await desktop.sync.pushSync();
  print(
    `desktop edited ${plan} (content ${short(edited.content)}) and pushSync sent ${pushed.sent} event.`,
  );

  const laptopPull = await laptop.sync.pullSync();
  const seen = await laptop.crdt.getFileState(plan);
  print(
    `laptop pullSync: received ${laptopPull.received} event; ${plan} is now ${short(seen?.content)}, ` +
      `last changed by ${seen?.lastChange?.nodeId}, fields ${JSON.stringify(seen?.fields)}.`,
  );

  return {
    desktopFiles,
    laptopPushed: laptopSync.sent,
    desktopPulled: desktopSync.received,
    laptopSeesEdit: { hash: seen?.content?.hash ?? '', lastChangeBy: seen?.lastChange?.nodeId },
    desktopEditHash: edited.content?.hash ?? '',
  };
}
