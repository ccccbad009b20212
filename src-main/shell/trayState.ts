import type { AppPhase, AppState, Progress } from '../../src-shared/ipc/contract.js';

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
const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

function iconFor(phase: AppPhase): TrayIcon {
  switch (phase) {
    case 'starting':
    case 'scanning':
    case 'syncing':
      return 'syncing';
    case 'synced':
      return 'synced';
    case 'paused':
      return 'paused';
    case 'conflicts':
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

/** "120/400 files" from the transfers in flight, or the pending counts when totals are unknown. */
function transferText(state: AppState): string {
  const transfers = [state.progress.upload, state.progress.download].filter(
    (p): p is Progress => p !== null,
  );
  if (transfers.length > 0 && transfers.every((p) => p.total !== null)) {
    const done = transfers.reduce((sum, p) => sum + p.done, 0);
    const total = transfers.reduce((sum, p) => sum + (p.total ?? 0), 0);
    return `Syncing ${count(done)}/${plural(total, 'file', 'files')}`;
  }
  const pending = state.pending.upload + state.pending.download;
  return pending > 0 ? `Syncing (${count(pending)} pending)` : 'Syncing';
}

/** One line saying what the user must hear first (the phase order of AppState). */
export function statusLine(state: AppState): string {
  switch (state.phase) {
    case 'starting':
      return 'Starting';
    case 'scanning': {
      const scan = state.progress.scan;
      if (scan === null) return 'Scanning the folder';
      return scan.total === null
        ? `Scanning ${count(scan.done)} files`
        : `Scanning ${count(scan.done)}/${plural(scan.total, 'file', 'files')}`;
    }
    case 'syncing':
      return transferText(state);
    case 'synced':
      return state.hub === null
        ? `Up to date (${plural(state.files, 'file', 'files')}, local only)`
        : `Up to date (${plural(state.files, 'file', 'files')})`;
    case 'paused':
      return 'Paused';
    case 'conflicts':
      return `${plural(state.conflicts, 'conflict', 'conflicts')} to review`;
    case 'offline':
      return 'Offline: the hub is unreachable, changes wait here';
    case 'error':
      return `Error: ${state.lastError ?? 'sync failed'}`;
    case 'folder-missing':
      return `Folder missing: ${state.folder}`;
    default: {
      const never: never = state.phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
}

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
