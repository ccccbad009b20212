import { formatBytes } from '../format/format.js';
import { useAppStore } from '../store/StoreContext.js';
import { ProgressBar } from './ProgressBar.js';

/** Progress and outcome of the last drop, until dismissed. */
export function UploadStatus() {
  const upload = useAppStore((s) => s.upload);
  const dismiss = useAppStore((s) => s.dismissUpload);
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
