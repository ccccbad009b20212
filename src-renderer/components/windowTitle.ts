import { countOf } from '../format/format.js';
import { useEffect } from 'react';
import type { AppState } from '../../src-shared/ipc/contract.js';
import { useAppStore } from '../store/StoreContext.js';
import type { PageConnection } from './phase.js';

const plural = (n: number, one: string) => countOf(n, one);

/**
 * The page's title (the browser tab, and the Electron window, which follows it): the state in
 * words, then the conflicts to review when the headline doesn't already say them, so a glance
 * at the taskbar or the tab strip tells the state. Pure.
 */
export function windowTitle(state: AppState | null, connection: PageConnection = 'online'): string {
  if (connection === 'offline' || connection === 'refused') return 'Not connected — NetGuardian';
  if (state === null) return 'NetGuardian';
  const conflicts =
    state.conflicts > 0 && state.phase !== 'conflicts'
      ? ` · ${plural(state.conflicts, 'conflict')}`
      : '';
  return `${state.headline}${conflicts} — NetGuardian`;
}

/** Keeps `document.title` on `windowTitle` of the latest state. */
export function useWindowTitle(): void {
  const state = useAppStore((s) => s.status.app);
  const connection = useAppStore((s) => s.status.connection);
  const title = windowTitle(state, connection);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
