import { useState, type FormEvent } from 'react';
import { checkDeviceName } from '../../../src-shared/deviceName.js';
import { useAppStore } from '../../store/StoreContext.js';
import { SaveMessage, useSaveStatus } from './useSaveStatus.js';

/**
 * This device's name, the one other devices see (Devices, history, conflicts). Renamed here it
 * holds at once on this device; the core tells the hub, which the other devices list from.
 */
export function DeviceNameForm({ name }: { name: string }) {
  const updateSettings = useAppStore((s) => s.updateSettings);
  // Null: not edited, the field shows the saved name (and follows it).
  const [draft, setDraft] = useState<string | null>(null);
  const save = useSaveStatus();
  const shown = draft ?? name;
  const changed = draft !== null && draft.trim() !== name;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkDeviceName(shown);
    if (!checked.ok) {
      void save.run(() => Promise.resolve(checked.message));
      return;
    }
    void save.run(async () => {
      const error = await updateSettings({ deviceName: checked.name });
      if (error === null) setDraft(null);
      return error;
    });
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="device-title">
      <h2 id="device-title">This device</h2>
      <label>
        Device name
        <input
          type="text"
          value={shown}
          maxLength={64}
          autoComplete="off"
          onChange={(e) => {
            setDraft(e.target.value);
            save.clear();
          }}
        />
      </label>
      <p className="muted">Your other devices show this device by this name.</p>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.busy || !changed}>
          Save name
        </button>
      </div>
      <SaveMessage status={save} />
    </form>
  );
}
