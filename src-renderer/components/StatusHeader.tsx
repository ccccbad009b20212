import { formatAgo } from '../format/format.js';
import { hubLine } from '../screens/settings/hubLine.js';
import { useAppStore } from '../store/StoreContext.js';
import { phaseView } from './phase.js';
import { ProgressBar } from './ProgressBar.js';
import { useNow } from './useNow.js';

/**
 * The answer to "are my files safe?" at a glance: the phase (exposed as `data-phase` for e2e
 * waits), the hub and the last sync, and the two things people do from here: pause and sync now.
 */
export function StatusHeader() {
  const app = useAppStore((s) => s.status.app);
  const stateError = useAppStore((s) => s.status.error);
  const notice = useAppStore((s) => s.notice);
  const syncNow = useAppStore((s) => s.syncNow);
  const setPaused = useAppStore((s) => s.setPaused);
  const dismissNotice = useAppStore((s) => s.dismissNotice);
  const now = useNow();
  const connection = useAppStore((s) => s.status.connection);
  const view = phaseView(app, connection);
  const paused = app?.paused ?? false;

  return (
    <header className="status-header">
      <div
        className={`phase phase-${view.tone}`}
        data-testid="phase"
        data-phase={view.phase}
        role="status"
        aria-live="polite"
      >
        <span className="phase-dot" aria-hidden="true" />
        <div>
          <strong className="phase-title" title={view.title}>
            {view.title}
          </strong>
          <span className="phase-detail" title={view.detail}>
            {view.detail}
          </span>
        </div>
      </div>
      {view.progress && <ProgressBar progress={view.progress} />}
      <dl className="status-facts">
        <div>
          <dt>Hub</dt>
          <dd>
            {app?.hub
              ? hubLine({ address: app.hub.description, runsHere: false }, app.hub.connected)
              : 'None: this device only'}
          </dd>
        </div>
        <div>
          <dt>Last sync</dt>
          <dd>{app?.lastSyncAt ? formatAgo(app.lastSyncAt, now) : 'Not yet'}</dd>
        </div>
      </dl>
      <div className="status-actions">
        <button type="button" onClick={() => void setPaused(!paused)} disabled={app === null}>
          {paused ? 'Resume sync' : 'Pause sync'}
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void syncNow()}
          disabled={app === null || paused}
        >
          Sync now
        </button>
      </div>
      {stateError && app === null && (
        <p className="notice notice-error" role="alert">
          {stateError}
        </p>
      )}
      {notice && (
        <p
          className={`notice notice-${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
        >
          {notice.text}
          <button type="button" className="link" onClick={dismissNotice} aria-label="Dismiss">
            ×
          </button>
        </p>
      )}
    </header>
  );
}
