import type { AppState } from '../../src-shared/ipc/contract.js';

export interface Notice {
  readonly kind: 'conflict' | 'error';
  readonly title: string;
  readonly body: string;
}

/**
 * Which desktop notifications a new state deserves, given the one before. State is pushed on
 * every change (often many times a second during a sync), so this must speak only on an
 * edge: the conflict count going up, or a failure message that was not there before. The
 * first state seen sets the baseline for conflicts (old conflicts are on the tray icon, not
 * news at every launch), but a failure present at start is reported.
 */
export function noticesFor(previous: AppState | null, next: AppState): Notice[] {
  const notices: Notice[] = [];
  if (previous !== null && next.conflicts > previous.conflicts) {
    const added = next.conflicts - previous.conflicts;
    notices.push({
      kind: 'conflict',
      title: added === 1 ? 'A new conflict to review' : `${added} new conflicts to review`,
      body:
        next.conflicts === added
          ? 'Two devices changed the same file. Open NetGuardian to choose which version to keep.'
          : `${next.conflicts} conflicts in all. Open NetGuardian to choose which versions to keep.`,
    });
  }
  if (next.lastError !== null && next.lastError !== (previous?.lastError ?? null)) {
    notices.push({ kind: 'error', title: 'Sync failed', body: next.lastError.slice(0, 240) });
  }
  return notices;
}

/** Remembers the previous state between pushes and hands each notice to `show`. */
export function createNotifier(show: (notice: Notice) => void): (state: AppState) => void {
  let previous: AppState | null = null;
  return (state) => {
    const notices = noticesFor(previous, state);
    previous = state;
    for (const notice of notices) show(notice);
  };
}
