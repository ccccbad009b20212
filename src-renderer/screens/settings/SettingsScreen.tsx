import { useEffect, useState, type FormEvent } from 'react';
import type { SettingsView } from '../../../src-shared/ipc/contract.js';
import { ErrorState, Loading } from '../../components/States.js';
import { useAppStore } from '../../store/StoreContext.js';
import { HubForm } from './HubForm.js';
import { IgnoreRulesForm } from './IgnoreRulesForm.js';
import { SaveMessage, useSaveStatus } from './useSaveStatus.js';

function FolderCard({ view }: { view: SettingsView }) {
  const openFolder = useAppStore((s) => s.openFolder);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="folder-title">
      <h2 id="folder-title">Synced folder</h2>
      <p>
        <code data-testid="settings-folder">{view.folder}</code>
      </p>
      <p className="muted">This device is called “{view.deviceName}”.</p>
      <button type="button" onClick={() => void openFolder().then(setError)}>
        Open folder
      </button>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </section>
  );
}

function SyncOptions({ view }: { view: SettingsView }) {
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [minutes, setMinutes] = useState(String(view.syncIntervalMs / 60_000));
  const save = useSaveStatus();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const ms = Math.round(Number(minutes) * 60_000);
    if (!Number.isFinite(ms) || ms < 1_000 || ms > 24 * 3600 * 1000) {
      void save.run(
        () => Promise.resolve('Choose between 1 second and 24 hours (1440 minutes).'),
        '',
      );
      return;
    }
    void save.run(() => updateSettings({ syncIntervalMs: ms }), 'Sync interval saved.');
  };
  const toggle = (patch: { paused: boolean } | { startAtLogin: boolean }, done: string) =>
    void save.run(() => updateSettings(patch), done);
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="sync-title">
      <h2 id="sync-title">Syncing</h2>
      <label>
        Check for changes every (minutes)
        <input
          type="number"
          min={0.1}
          max={1440}
          step="any"
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
        />
      </label>
      <div className="form-actions">
        <button type="submit" disabled={save.busy}>
          Save interval
        </button>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={view.paused}
          onChange={(e) =>
            toggle(
              { paused: e.target.checked },
              e.target.checked ? 'Sync paused.' : 'Sync resumed.',
            )
          }
        />
        Pause syncing
      </label>
      {view.startAtLogin !== null && (
        <label className="check">
          <input
            type="checkbox"
            checked={view.startAtLogin}
            onChange={(e) => toggle({ startAtLogin: e.target.checked }, 'Saved.')}
          />
          Start NetGuardian when I log in
        </label>
      )}
      <SaveMessage status={save} />
    </form>
  );
}

/**
 * Folder, hub, sync options and ignore rules; each card saves on its own and keeps its draft
 * (initialised once from the loaded settings) across saves.
 */
export function SettingsScreen() {
  const view = useAppStore((s) => s.settings.view);
  const error = useAppStore((s) => s.settings.error);
  const loadSettings = useAppStore((s) => s.loadSettings);
  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);

  let body;
  if (view === null && error)
    body = <ErrorState message={error} onRetry={() => void loadSettings()} />;
  else if (view === null) body = <Loading what="settings" />;
  else
    body = (
      <>
        <FolderCard view={view} />
        <HubForm hub={view.hub} />
        <SyncOptions view={view} />
        <IgnoreRulesForm rules={view.ignoreRules} />
      </>
    );
  return (
    <section className="screen settings-screen" aria-labelledby="settings-title">
      <div className="screen-head">
        <h1 id="settings-title">Settings</h1>
      </div>
      {body}
    </section>
  );
}
