import { useEffect } from 'react';
import { formatBytes } from '../format/format.js';
import { useAppStore } from '../store/StoreContext.js';
import { ProgressBar } from './ProgressBar.js';

/** How long a copy's outcome stays when all went well (a failure stays until dismissed). */
export const UPLOAD_RESULT_MS = 8_000;

/**
 * Progress of the current copy, then its outcome: a success goes away by itself after a few
 * seconds (it covered the corner of the screen, and what was under it, until dismissed), a
 * failure stays until dismissed.
 */
export function UploadStatus() {
  const upload = useAppStore((s) => s.upload);
  const dismiss = useAppStore((s) => s.dismissUpload);
  const settled = !upload.active && upload.result !== null && upload.error === null;
  useEffect(() => {
    if (!settled) return undefined;
    const timer = setTimeout(dismiss, UPLOAD_RESULT_MS);
    return () => clearTimeout(timer);
  }, [settled, upload.result, dismiss]);
  if (!upload.active && upload.result === null && upload.error === null) return null;
  const { progress } = upload;
  return (
    <section className="upload-status" aria-label="Copying files" data-testid="upload-status">
      {upload.active && progress && (
        <ProgressBar
          label="Copying into the folder"
          progress={{
            done: progress.done,
            total: progress.total,
            bytes: progress.bytes,
            label: '',
          }}
        />
      )}
      {upload.active && progress === null && <p role="status">Preparing to copy…</p>}
      {upload.active && progress && progress.totalBytes > 0 && (
        <p className="muted">
          {formatBytes(progress.bytes)} of {formatBytes(progress.totalBytes)}
        </p>
      )}
      {upload.result && <p role="status">{upload.result}</p>}
      {upload.error && (
        <p role="alert" className="error-text">
          Could not copy the files: {upload.error}
        </p>
      )}
      {!upload.active && (
        <button type="button" onClick={dismiss}>
          Dismiss
        </button>
      )}
    </section>
  );
}
