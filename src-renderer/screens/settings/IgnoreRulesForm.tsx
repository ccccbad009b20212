import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../store/StoreContext.js';
import { SaveMessage, useSaveStatus } from './useSaveStatus.js';

/** The folder's .netguardianignore, edited as text (gitignore syntax). */
export function IgnoreRulesForm({ rules }: { rules: string }) {
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [draft, setDraft] = useState(rules);
  const save = useSaveStatus();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(() => updateSettings({ ignoreRules: draft }));
  };
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="ignore-title">
      <h2 id="ignore-title">Files not to sync</h2>
      <label>
        <span className="muted">
          One pattern per line, like a .gitignore: <code>node_modules/</code>, <code>*.tmp</code>.
        </span>
        <textarea
          rows={8}
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            save.clear();
          }}
          spellCheck={false}
          aria-label="Ignore rules"
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.busy || draft === rules}>
          Save rules
        </button>
      </div>
      <SaveMessage status={save} />
    </form>
  );
}
