import type { DeviceEvent } from '../core/device/device.js';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Prints a device's progress: one rewritten line on a terminal, a line every
 * few seconds otherwise (logs, CI). Long work must show that it is moving.
 */
export function progressPrinter(
  stream: NodeJS.WriteStream = process.stderr,
): (e: DeviceEvent) => void {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  const line = (text: string, final = false) => {
    const now = Date.now();
    if (tty) {
      stream.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    } else if (final || now - lastLine > 2_000) {
      stream.write(`${text}\n`);
      lastLine = now;
    }
  };
  return (e) => {
    switch (e.type) {
      case 'scan': {
        const p = e.progress;
        const text =
          p.phase === 'walking'
            ? `scanning: ${p.filesSeen} files seen`
            : `scanning: ${p.filesSeen} files seen, hashed ${p.hashed}/${p.toHash} (${mib(p.bytesHashed)} of ${mib(p.bytesToHash)})`;
        line(text, p.phase === 'done');
        return;
      }
      case 'sync-progress':
        line(
          `${e.direction === 'pull' ? 'receiving' : 'sending'} changes: ${e.done}/${e.total}`,
          e.done >= e.total,
        );
        return;
      case 'upload':
        line(`uploaded ${e.chunks} chunks (${mib(e.bytes)})`, true);
        return;
      case 'download': {
        const r = e.report;
        if (
          r.written.length + r.removed.length + r.dirsCreated.length + r.conflictCopies.length ===
          0
        )
          return;
        line(
          `updated the folder: ${r.written.length} written, ${r.removed.length} removed, ${r.dirsCreated.length} folders, ${r.conflictCopies.length} conflict copies (${r.chunksDownloaded} chunks downloaded, ${r.chunksReused} reused)`,
          true,
        );
        return;
      }
      case 'synced':
        if (e.report.error) line(`sync failed: ${e.report.error}`, true);
        else if (e.report.sent + e.report.received > 0)
          line(`synced: sent ${e.report.sent}, received ${e.report.received} changes`, true);
        return;
      case 'local-change':
        line(
          `local changes: ${e.summary.created} new, ${e.summary.updated} changed, ${e.summary.deleted} deleted`,
          true,
        );
        return;
      case 'error':
        line(`error: ${e.message}`, true);
        return;
      default: {
        const never: never = e;
        throw new Error(`unhandled device event ${JSON.stringify(never)}`);
      }
    }
  };
}
