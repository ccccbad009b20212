import { countOf } from '../../format/format.js';
import { useEffect } from 'react';
import { UNSYNCABLE_REASON_WORDS } from '../../../src-shared/unsyncable.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useAppStore } from '../../store/StoreContext.js';

/**
 * The files this device can't sync, each with why in words: found in the folder (a symbolic
 * link, a pipe, a file it cannot read, one too large) or received from another device with a
 * name this device can't use. Nothing is skipped in silence; this is where it is said.
 */
export function UnsyncableScreen() {
  const list = useAppStore((s) => s.unsyncable.list);
  const error = useAppStore((s) => s.unsyncable.error);
  const load = useAppStore((s) => s.loadUnsyncable);

  useEffect(() => {
    void load();
  }, [load]);

  let body;
  if (list === null && error) body = <ErrorState message={error} onRetry={() => void load()} />;
  else if (list === null) body = <Loading what="files that can't sync" />;
  else if (list.total === 0)
    body = <Empty title="Every file syncs.">Files that can't sync would be listed here.</Empty>;
  else
    body = (
      <>
        <p data-testid="unsyncable-total">
          {`${countOf(list.total, 'file')} can't sync.`}
          {list.total > list.files.length && ` The first ${list.files.length} are shown.`}
        </p>
        <ul className="unsyncable-list">
          {list.files.map((f) => (
            <li
              key={`${f.side}:${f.path}`}
              className="unsyncable card"
              data-testid="unsyncable-file"
              data-reason={f.reason}
            >
              <code className="unsyncable-path">{f.path}</code>
              <strong>{UNSYNCABLE_REASON_WORDS[f.reason]}</strong>
              {f.side === 'remote' && <span className="tag">From another device</span>}
              <span className="muted">{f.message}</span>
            </li>
          ))}
        </ul>
      </>
    );

  return (
    <section className="screen unsyncable-screen" aria-labelledby="unsyncable-title">
      <div className="screen-head">
        <h1 id="unsyncable-title">Can't sync</h1>
      </div>
      {list !== null && error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {body}
    </section>
  );
}
