import { useState, type FormEvent } from 'react';
import type { HubSettingsView } from '../../../src-shared/ipc/contract.js';
import { useAppStore } from '../../store/StoreContext.js';
import { SaveMessage, useSaveStatus } from './useSaveStatus.js';

type Ssl = HubSettingsView['ssl'];

/** The hub's address and TLS mode; test before saving, since a wrong hub stops sync. */
export function HubForm({ hub }: { hub: HubSettingsView | null }) {
  const testHub = useAppStore((s) => s.testHub);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [url, setUrl] = useState(hub?.url ?? '');
  const [ssl, setSsl] = useState<Ssl>(hub?.ssl ?? 'require');
  const [test, setTest] = useState<{ ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState(false);
  const save = useSaveStatus();

  const onTest = async () => {
    setTesting(true);
    setTest(null);
    const result = await testHub({ url: url.trim(), ssl });
    setTesting(false);
    const latency = result.latencyMs === null ? '' : ` (${result.latencyMs} ms)`;
    setTest({ ok: result.ok, text: result.message + latency });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = url.trim();
    void save.run(
      () => updateSettings({ hub: trimmed === '' ? null : { url: trimmed, ssl } }),
      trimmed === '' ? 'Hub removed: this device syncs with no one.' : 'Hub saved.',
    );
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="hub-title">
      <h2 id="hub-title">Hub</h2>
      <p className="muted">
        The PostgreSQL server your devices sync through. Leave empty to keep files on this device
        only. The saved address never shows the password: type it again to change the hub.
      </p>
      <label>
        Hub address
        <input
          type="text"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="postgres://user:password@hub.example.org:5432/netguardian"
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <label>
        Encryption (TLS)
        <select value={ssl} onChange={(e) => setSsl(e.target.value as Ssl)}>
          <option value="off">Off (trusted network only)</option>
          <option value="require">Required</option>
          <option value="verify-full">Required, with certificate check</option>
        </select>
      </label>
      <div className="form-actions">
        <button type="button" onClick={() => void onTest()} disabled={testing || url.trim() === ''}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="primary" disabled={save.busy}>
          Save hub
        </button>
      </div>
      {test && (
        <p
          role={test.ok ? 'status' : 'alert'}
          className={test.ok ? 'ok-text' : 'error-text'}
          data-testid="hub-test-result"
        >
          {test.text}
        </p>
      )}
      <SaveMessage status={save} />
    </form>
  );
}
