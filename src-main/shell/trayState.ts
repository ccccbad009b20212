import { errorInWords } from '../../src-shared/errorWords.js';
import type { AppPhase, AppState } from '../../src-shared/ipc/contract.js';

/** The tray icons there are (assets/tray/<icon>.png). */
export const TRAY_ICONS = ['synced', 'syncing', 'conflicts', 'offline', 'error', 'paused'] as const;
export type TrayIcon = (typeof TRAY_ICONS)[number];

export type TrayAction = 'open-folder' | 'open-window' | 'sync-now' | 'toggle-pause' | 'quit';

export type TrayMenuItem =
  | { readonly kind: 'status'; readonly label: string }
  | { readonly kind: 'separator' }
  | {
      readonly kind: 'action';
      readonly action: TrayAction;
      readonly label: string;
      readonly enabled: boolean;
    };

export interface TrayView {
  readonly icon: TrayIcon;
  readonly tooltip: string;
  readonly menu: readonly TrayMenuItem[];
}

// Windows cuts tray tooltips at 127 characters.
const TOOLTIP_MAX = 127;

function iconFor(phase: AppPhase): TrayIcon {
  switch (phase) {
    case 'starting':
    case 'scanning':
    case 'syncing':
      return 'syncing';
    case 'synced':
      return 'synced';
    case 'paused':
    case 'stopped':
      return 'paused';
    // Files that can't sync are, like conflicts, something to look at in a list.
    // Synced, but with changes noticed late until the user raises the OS's limit: look at it.
    case 'conflicts':
    case 'unsyncable':
    case 'watch-limited':
      return 'conflicts';
    case 'offline':
      return 'offline';
    case 'error':
    case 'folder-missing':
      return 'error';
    default: {
      const never: never = phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
}

/** The core's one line for the state (`summarizeState`): the tray words nothing itself. */
export const statusLine = (state: AppState): string => state.headline;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

/** What the tray shows for a state: pure, so every phase is unit-tested without Electron. */
export function trayView(state: AppState | null): TrayView {
  if (state === null)
    return {
      icon: 'syncing',
      tooltip: 'NetGuardian — Starting',
      menu: menuItems(null),
    };
  return {
    icon: iconFor(state.phase),
    tooltip: truncate(`NetGuardian — ${statusLine(state)}`, TOOLTIP_MAX),
    menu: menuItems(state),
  };
}

/**
 * The core process runs but could not open the device (another NetGuardian owns its data dir, the
 * store won't open): there is no state to show, and "Starting" would be a lie that never ends. The
 * reason is the core's own sentence.
 */
export function unavailableView(reason: string): TrayView {
  // The catalogue's words (src-shared/errorWords.ts), as the app and the CLI say it.
  const line = `Error: ${errorInWords(reason)}`;
  return {
    icon: 'error',
    tooltip: truncate(`NetGuardian — ${line}`, TOOLTIP_MAX),
    menu: [
      { kind: 'status', label: truncate(line, 80) },
      { kind: 'separator' },
      { kind: 'action', action: 'open-window', label: 'Open NetGuardian', enabled: true },
      { kind: 'separator' },
      { kind: 'action', action: 'quit', label: 'Quit NetGuardian', enabled: true },
    ],
  };
}

function menuItems(state: AppState | null): TrayMenuItem[] {
  const ready = state !== null && state.phase !== 'starting';
  const paused = state?.paused ?? false;
  return [
    { kind: 'status', label: state === null ? 'Starting' : truncate(statusLine(state), 80) },
    { kind: 'separator' },
    { kind: 'action', action: 'open-window', label: 'Open NetGuardian', enabled: true },
    { kind: 'action', action: 'open-folder', label: 'Open folder', enabled: ready },
    { kind: 'separator' },
    { kind: 'action', action: 'sync-now', label: 'Sync now', enabled: ready && !paused },
    {
      kind: 'action',
      action: 'toggle-pause',
      label: paused ? 'Resume syncing' : 'Pause syncing',
      enabled: ready,
    },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit NetGuardian', enabled: true },
  ];
}
