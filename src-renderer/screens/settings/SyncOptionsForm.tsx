import { useState, type FormEvent } from 'react';
import type { RequestOf, SettingsView } from '../../../src-shared/ipc/contract.js';
import {
  syncIntervalForInput,
  syncIntervalFromInput,
  type SyncIntervalUnit,
} from '../../../src-shared/syncInterval.js';
import { useAppStore } from '../../store/StoreContext.js';
import { SaveMessage, useSaveStatus } from './useSaveStatus.js';

/** What the card's fields hold; a field not edited shows (and follows) the saved value. */
interface Edits {
  readonly interval?: string;
  readonly unit?: SyncIntervalUnit;
  readonly paused?: boolean;
  readonly startAtLogin?: boolean;
}

/**
 * How the device syncs: the interval (a number in seconds or minutes, checked by the one shared
 * rule), pause, and start at login where the platform has it. One Save for the card, like every
 * other card: nothing is stored until it is pressed.
 */
export function SyncOptionsForm({ view }: { view: SettingsView }) {
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [edits, setEdits] = useState<Edits>({});
  const save = useSaveStatus();

  const saved = syncIntervalForInput(view.syncIntervalMs);
  const interval = edits.interval ?? saved.value;
  const unit = edits.unit ?? saved.unit;
  const paused = edits.paused ?? view.paused;
  const startAtLogin = edits.startAtLogin ?? view.startAtLogin;

  const parsed = syncIntervalFromInput(interval, unit);
  const patch: RequestOf<'settings:update'> = {
    ...(!parsed.ok || parsed.ms !== view.syncIntervalMs
      ? { syncIntervalMs: parsed.ok ? parsed.ms : Number.NaN }
      : {}),
    ...(paused !== view.paused ? { paused } : {}),
    ...(startAtLogin !== null && startAtLogin !== view.startAtLogin ? { startAtLogin } : {}),
  };
  const changed = Object.keys(patch).length > 0;

  const edit = (change: Edits) => {
    setEdits((e) => ({ ...e, ...change }));
    save.clear();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!parsed.ok) {
      void save.run(() => Promise.resolve(parsed.message));
      return;
    }
    void save.run(async () => {
      const error = await updateSettings(patch);
      if (error === null) setEdits({});
      return error;
    });
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="sync-title">
      <h2 id="sync-title">Syncing</h2>
      <fieldset className="interval">
        <legend>Check the hub for changes every</legend>
        <input
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          aria-label="Sync interval"
          value={interval}
          onChange={(e) => edit({ interval: e.target.value })}
        />
        <select
          aria-label="Unit"
          value={unit}
          onChange={(e) => edit({ unit: e.target.value as SyncIntervalUnit })}
        >
          <option value="seconds">seconds</option>
          <option value="minutes">minutes</option>
        </select>
      </fieldset>
      <p className="muted">
        Changes on the hub usually arrive at once; this is how often the device checks anyway.
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={paused}
          onChange={(e) => edit({ paused: e.target.checked })}
        />
        Pause syncing
      </label>
      {startAtLogin !== null && (
        <label className="check">
          <input
            type="checkbox"
            checked={startAtLogin}
            onChange={(e) => edit({ startAtLogin: e.target.checked })}
          />
          Start NetGuardian when I log in
        </label>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.busy || !changed}>
          Save sync settings
        </button>
      </div>
      <SaveMessage status={save} />
    </form>
  );
}
