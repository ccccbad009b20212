import { DOWNLOAD_PATH, TOKEN_HEADER } from '../../src-shared/ipc/contract.js';
import { transportError } from './remoteError.js';

/** Saves a file of the folder with the browser's own download (the headless UI's "Download"). */
export type Downloader = (path: string) => Promise<void>;

/**
 * The file is fetched with the token header (a link could not carry it), then handed to the
 * browser as a blob to save under its own name. The page never shows it: it is data.
 */
export function createFetchDownloader(token: () => string): Downloader {
  return async (path) => {
    const answer = await fetch(`${DOWNLOAD_PATH}?path=${encodeURIComponent(path)}`, {
      headers: { [TOKEN_HEADER]: token() },
    });
    if (!answer.ok) {
      const why = (await answer.text()).trim();
      throw transportError(why === '' ? `The download was refused (HTTP ${answer.status}).` : why);
    }
    const url = URL.createObjectURL(await answer.blob());
    try {
      const link = document.createElement('a');
      link.href = url;
      link.download = path.slice(path.lastIndexOf('/') + 1);
      link.click();
    } finally {
      // The click has handed the blob to the browser's download; the URL is not needed after.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }
  };
}
