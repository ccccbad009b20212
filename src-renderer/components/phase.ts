import type { AppPhase, AppState, Progress } from '../../src-shared/ipc/contract.js';

export interface PhaseView {
  readonly phase: AppPhase;
  /** A few words: the answer to "are my files safe?" (the core's headline). */
  readonly title: string;
  /** The sentence under it (the core's detail). */
  readonly detail: string;
  /** The transfer to show a bar for, if any. */
  readonly progress: Progress | null;
  readonly tone: 'ok' | 'busy' | 'warn' | 'bad';
}

/** The page's own line to NetGuardian (the headless mode's WebSocket; always up in Electron). */
export type PageConnection = 'connecting' | 'online' | 'offline' | 'refused';

/** What the header says while the page can't hear the core: the last state may no longer hold. */
const CUT_OFF: Readonly<Record<'offline' | 'refused', { title: string; detail: string }>> = {
  offline: {
    title: 'Not connected to NetGuardian',
    detail: 'Reconnecting… What this page shows may be out of date; your files are not affected.',
  },
  refused: {
    title: 'This page’s link is out of date',
    detail:
      'Open the new address NetGuardian printed when it started; your files are not affected.',
  },
};

/**
 * The header for a state: the core's headline and detail as they are (the tray and
 * `netguardian status` say the same words), with a colour and a progress bar for its phase.
 * While the page has lost its line to the core, it says that instead: a state it can't hear
 * change is no state to show ("Synced" from before the line went down would be a guess).
 */
export function phaseView(app: AppState | null, connection: PageConnection = 'online'): PhaseView {
  if (connection === 'offline' || connection === 'refused')
    return {
      phase: 'offline',
      ...CUT_OFF[connection],
      progress: null,
      tone: 'warn',
    };
  if (app === null)
    return {
      phase: 'starting',
      title: 'Starting…',
      detail: 'Reading the folder’s state.',
      progress: null,
      tone: 'busy',
    };
  const { progress } = app;
  const view = (tone: PhaseView['tone'], bar: Progress | null = null): PhaseView => ({
    phase: app.phase,
    title: app.headline,
    detail: app.detail,
    progress: bar,
    tone,
  });
  switch (app.phase) {
    case 'starting':
      return view('busy');
    case 'synced':
      return view('ok');
    case 'scanning':
      return view('busy', progress.scan);
    case 'syncing':
      return view('busy', progress.upload ?? progress.download);
    case 'paused':
    case 'stopped':
    case 'conflicts':
    case 'unsyncable':
    case 'watch-limited':
    case 'offline':
      return view('warn');
    case 'folder-missing':
    case 'error':
      return view('bad');
    default: {
      const never: never = app.phase;
      return never;
    }
  }
}
