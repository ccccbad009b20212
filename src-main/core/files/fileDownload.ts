import { constants, createReadStream, type ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { normalizeEntityPath } from '../../../src-shared/paths.js';
import { resolveExisting } from './safePaths.js';

export interface DownloadSource {
  /** The file's bytes, from the one open of it that was checked (never reopened by name). */
  readonly stream: ReadStream;
  readonly size: number;
  /** The file's own name, for the browser's "save as". */
  readonly name: string;
}

/**
 * A file of the synced folder, read for the browser's download (the headless UI's "Download").
 * Only a regular file inside the folder: no ancestor is a link (resolveExisting), the file itself
 * is not one (O_NOFOLLOW), and it is checked through the handle it is then streamed from.
 */
export async function openForDownload(rootReal: string, given: string): Promise<DownloadSource> {
  const id = normalizeEntityPath(given);
  if (!id.ok) throw new NetGuardianError('InvalidPath', `path: ${id.error.message}`, 'path');
  const abs = await resolveExisting(rootReal, id.value);
  if (!abs.ok) throw abs.error;
  const gone = new NetGuardianError('NotFound', `${id.value} is no longer in the folder`, 'path');
  if (abs.value === undefined) throw gone;
  const handle = await open(abs.value, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (e: NodeJS.ErrnoException) => {
      throw e.code === 'ELOOP'
        ? new NetGuardianError('InvalidArgument', `${id.value} is a link, not a file`, 'path')
        : gone;
    },
  );
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw new NetGuardianError('InvalidArgument', `${id.value} is not a file`, 'path');
  }
  return {
    stream: createReadStream('', { fd: handle, autoClose: true }),
    size: st.size,
    name: id.value.slice(id.value.lastIndexOf('/') + 1),
  };
}
