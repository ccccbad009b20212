import type { ErrorInfo } from '../../src-shared/errors.js';
import type { ImportReport } from '../../src-shared/ipc/contract.js';
import { TOKEN_HEADER, UPLOAD_PATH } from '../../src-shared/ipc/contract.js';
import { joinRel, walkDrop, type DroppedFile } from './dropEntries.js';
import { RemoteError, transportError } from './remoteError.js';
import type { Uploader } from './types.js';

/** The server answers a failed upload with the contract's error envelope or a bare ErrorInfo. */
function errorFromBody(status: number, body: string): RemoteError {
  try {
    const parsed = JSON.parse(body) as { error?: ErrorInfo } & Partial<ErrorInfo>;
    const info = parsed.error ?? (typeof parsed.message === 'string' ? parsed : null);
    if (info && typeof info.message === 'string') return new RemoteError(info as ErrorInfo);
  } catch {
    // Not JSON: fall through to a generic sentence.
  }
  return transportError(`The upload was refused (HTTP ${status}).`);
}

/** One PUT per file; XMLHttpRequest because fetch has no upload progress. */
function putFile(
  item: DroppedFile,
  targetDir: string,
  token: string,
  onBytes: (sent: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const path = encodeURIComponent(joinRel(targetDir, item.relPath));
    xhr.open('PUT', `${UPLOAD_PATH}?path=${path}`);
    xhr.setRequestHeader(TOKEN_HEADER, token);
    xhr.upload.onprogress = (event) => onBytes(event.loaded);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(errorFromBody(xhr.status, xhr.responseText));
    xhr.onerror = () => reject(transportError(`Could not upload ${item.relPath}.`));
    xhr.send(item.file);
  });
}

/**
 * Headless mode: the browser has no access to the user's paths, so it walks the dropped folders
 * and PUTs each file's bytes to the server, one at a time (a drop of thousands of files should
 * not open thousands of connections). The first failure stops the upload and is reported.
 */
export function createXhrUploader(token: () => string | null): Uploader {
  return async (drop, targetDir, onProgress): Promise<ImportReport> => {
    const secret = token();
    if (secret === null) throw transportError('Not signed in: open the link the server printed.');
    const tree = await walkDrop(drop);
    const totalBytes = tree.files.reduce((sum, item) => sum + item.file.size, 0);
    let doneBytes = 0;
    onProgress({ done: 0, total: tree.files.length, bytes: 0, totalBytes });
    for (const [index, item] of tree.files.entries()) {
      await putFile(item, targetDir, secret, (sent) =>
        onProgress({ done: index, total: tree.files.length, bytes: doneBytes + sent, totalBytes }),
      );
      doneBytes += item.file.size;
      onProgress({ done: index + 1, total: tree.files.length, bytes: doneBytes, totalBytes });
    }
    return { files: tree.files.length, folders: tree.folders, bytes: totalBytes };
  };
}
