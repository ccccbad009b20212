/**
 * Example 5, status monitoring: getSyncStatus before and after syncs (last sync, pending,
 * conflicts, quarantined). The desktop's clock runs 10 minutes ahead and it sends an event;
 * the laptop (bound: 5 minutes) holds it in quarantine instead of applying it, and applies it on
 * a later sync once its own clock has caught up. The clocks are injected (`now`), not waited for.
 */
import type { SyncStatus } from '../src-main/index.js';
import { contentOf, expectOk, type Print, type Workspace } from './support/workspace.js';

const TEN_MINUTES = 10 * 60 * 1000;

export interface StatusMonitoringOutcome {
  readonly before: StatusSummary;
  readonly afterLocalWrites: StatusSummary;
  readonly afterSync: StatusSummary;
  readonly afterClockAheadEvent: StatusSummary;
  readonly afterRetry: StatusSummary;
  readonly quarantineCode: string | undefined;
  /** Whether the desktop's file was visible on the laptop while its event was held, and after. */
  readonly desktopFileWhileHeld: boolean;
  readonly desktopFileAfterRetry: boolean;
}

export interface StatusSummary {
  readonly lastSync: string | null;
  readonly pendingPush: number;
  readonly conflicts: number;
  readonly quarantined: number;
  readonly files: number;
}

export async function statusMonitoring(ws: Workspace): Promise<StatusMonitoringOutcome> {
  const { print } = ws;
  // The laptop's clock is real time plus an offset we move forward later.
  let laptopOffsetMs = 0;
  const laptop = await ws.openDevice('laptop', { now: () => Date.now() + laptopOffsetMs });
  // The desktop's clock runs 10 minutes ahead of real time.
  const desktop = await ws.openDevice('desktop', { now: () => Date.now() + TEN_MINUTES });

  const before = show(print, 'before anything', await laptop.sync.getSyncStatus());

  expectOk(await laptop.crdt.createFileState('a.txt', { content: contentOf('a') }), 'a.txt');
  expectOk(await laptop.crdt.createFileState('b.txt', { content: contentOf('b') }), 'b.txt');
  const afterLocalWrites = show(
    print,
    'after creating 2 files offline',
    await laptop.sync.getSyncStatus(),
  );

  const first = await laptop.sync.bidirectionalSync();
  const afterSync = show(
    print,
    `after a sync (sent ${first.sent})`,
    await laptop.sync.getSyncStatus(),
  );

  await desktop.sync.bidirectionalSync();
  expectOk(
    await desktop.crdt.createFileState('from-desktop.txt', {
      content: contentOf('written in the future'),
    }),
    'desktop write',
  );
  const desktopPush = await desktop.sync.bidirectionalSync();
  print(
    `desktop (clock 10 min ahead) pulled the laptop's files, wrote from-desktop.txt and pushed ${desktopPush.sent} event.`,
  );

  const held = await laptop.sync.bidirectionalSync();
  for (const q of held.quarantined) print(`laptop's sync held an event: ${q.code}: ${q.message}`);
  const pending = await laptop.crdt.quarantine.pending({ spaceId: ws.spaceId });
  for (const p of pending) {
    print(
      `  quarantine row: event of ${p.nodeId} seq ${p.seq}, code ${p.code}, from ${p.source}, ` +
        `attempts ${p.attempts}; kept, never dropped.`,
    );
  }
  const desktopFileWhileHeld =
    (await laptop.crdt.getFileState('from-desktop.txt'))?.exists === true;
  const afterClockAheadEvent = show(
    print,
    'after receiving the event from the future',
    await laptop.sync.getSyncStatus(),
  );

  laptopOffsetMs = TEN_MINUTES;
  print("Ten minutes later (the laptop's injected clock moves forward 10 minutes):");
  const retried = await laptop.sync.bidirectionalSync();
  print(`laptop's next sync retried the quarantine first and applied ${retried.received} event.`);
  const desktopFileAfterRetry =
    (await laptop.crdt.getFileState('from-desktop.txt'))?.exists === true;
  const afterRetry = show(print, 'after the retry', await laptop.sync.getSyncStatus());

  return {
    before,
    afterLocalWrites,
    afterSync,
    afterClockAheadEvent,
    afterRetry,
    quarantineCode: held.quarantined[0]?.code,
    desktopFileWhileHeld,
    desktopFileAfterRetry,
  };
}

function show(print: Print, when: string, s: SyncStatus): StatusSummary {
  const lastSync = s.lastSync
    ? `${s.lastSync.at} (${s.lastSync.direction}, sent ${s.lastSync.eventsSent}, received ${s.lastSync.eventsReceived}, held ${s.lastSync.eventsQuarantined})`
    : 'never';
  print(
    `getSyncStatus ${when}: last sync ${lastSync}; pending push ${s.pendingPush}; ` +
      `conflicts ${s.conflicts}; quarantined ${s.quarantined}; files ${s.files}.`,
  );
  return {
    lastSync: s.lastSync?.at ?? null,
    pendingPush: s.pendingPush,
    conflicts: s.conflicts,
    quarantined: s.quarantined,
    files: s.files,
  };
}
