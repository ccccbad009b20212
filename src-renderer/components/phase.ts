import type { AppPhase, AppState, Progress } from '../../src-shared/ipc/contract.js';
import { pluralize } from '../format/format.js';

export interface PhaseView {
  readonly phase: AppPhase;
  /** One or two words: the answer to "are my files safe?". */
  readonly title: string;
  /** The sentence under it. */
  readonly detail: string;
  /** The transfer to show a bar for, if any. */
  readonly progress: Progress | null;
  readonly tone: 'ok' | 'busy' | 'warn' | 'bad';
}

/** The header's wording for each phase, in the core's order of what a person must hear first. */
export function phaseView(app: AppState | null): PhaseView {
  if (app === null)
    return {
      phase: 'starting',
      title: 'Starting…',
      detail: 'Reading the folder’s state.',
      progress: null,
      tone: 'busy',
    };
  const { progress } = app;
  switch (app.phase) {
    case 'starting':
      return {
        phase: app.phase,
        title: 'Starting…',
        detail: 'Opening the folder and the local database.',
        progress: null,
        tone: 'busy',
      };
    case 'synced':
      return {
        phase: app.phase,
        title: 'Synced',
        detail:
          app.hub === null
            ? 'All files are saved on this device (no hub set up).'
            : 'All files are up to date.',
        progress: null,
        tone: 'ok',
      };
    case 'scanning':
      return {
        phase: app.phase,
        title: 'Checking files…',
        detail: 'Looking for changes in the folder.',
        progress: progress.scan,
        tone: 'busy',
      };
    case 'syncing': {
      const { upload, download } = app.pending;
      const parts = [
        upload > 0 ? `${pluralize(upload, 'change')} to send` : '',
        download > 0 ? `${pluralize(download, 'file')} to receive` : '',
      ].filter((p) => p !== '');
      return {
        phase: app.phase,
        title: 'Syncing',
        detail: parts.length > 0 ? `${parts.join(', ')}.` : 'Exchanging changes with the hub.',
        progress: progress.upload ?? progress.download,
        tone: 'busy',
      };
    }
    case 'paused':
      return {
        phase: app.phase,
        title: 'Paused',
        detail: 'Changes are kept on this device until you resume.',
        progress: null,
        tone: 'warn',
      };
    case 'conflicts':
      return {
        phase: app.phase,
        title: pluralize(app.conflicts, 'conflict'),
        detail: 'Nothing is lost: both versions are kept until you choose.',
        progress: null,
        tone: 'warn',
      };
    case 'offline':
      return {
        phase: app.phase,
        title: 'Offline',
        detail:
          'The hub can’t be reached. Your changes are safe here and will sync when it’s back.',
        progress: null,
        tone: 'warn',
      };
    case 'folder-missing':
      return {
        phase: app.phase,
        title: 'Folder missing',
        detail: `${app.folder} is not there (moved, deleted, or a drive not mounted?). Nothing is changed in it or recorded from it until it is back.`,
        progress: null,
        tone: 'bad',
      };
    case 'error':
      return {
        phase: app.phase,
        title: 'Error',
        detail: app.lastError ?? 'Sync stopped because of an error.',
        progress: null,
        tone: 'bad',
      };
    default: {
      const never: never = app.phase;
      return never;
    }
  }
}
