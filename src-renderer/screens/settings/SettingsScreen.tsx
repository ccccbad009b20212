import { useEffect } from 'react';
import { ErrorState, Loading } from '../../components/States.js';
import { useAppStore } from '../../store/StoreContext.js';
import { DeviceNameForm } from './DeviceNameForm.js';
import { FolderCard } from './FolderCard.js';
import { HubForm } from './HubForm.js';
import { IgnoreRulesForm } from './IgnoreRulesForm.js';
import { SyncOptionsForm } from './SyncOptionsForm.js';

/**
 * This device's name, the folder, the hub, sync options and ignore rules. Every card saves one
 * way: its own button, enabled once something in it changed, then "Saved." or the refusal. The
 * hub is never typed in: pairing (an invite code, or a hub made here) pins it.
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
        <DeviceNameForm name={view.deviceName} />
        <FolderCard view={view} />
        <HubForm hub={view.hub} />
        <SyncOptionsForm view={view} />
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
