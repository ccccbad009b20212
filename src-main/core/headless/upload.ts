import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNetGuardianError, type ErrorInfo } from '../../../src-shared/errors.js';
import type { UploadResult } from '../app/receiveUpload.js';

/**
 * PUT `/api/upload?path=<path in the folder>` with the file's bytes as the
 * body (the headless UI's drag and drop; TOKEN_HEADER checked by the server).
 * Answers `{ path, size }` (the path it landed at: "name (2).ext" when the
 * name was taken), or `{ error: { code, message, field } }`.
 */

export type ReceiveUpload = (
  relPath: string,
  body: AsyncIterable<Uint8Array>,
  size: number | null,
) => Promise<UploadResult>;

const statusOf = (info: ErrorInfo): number => {
  switch (info.code) {
    case 'PayloadTooLarge':
      return 413;
    case 'NotFound':
      return 404;
    case 'InvalidArgument':
    case 'InvalidPath':
    case 'PathEscapesRoot':
      return 400;
    default:
      return 500;
  }
};

export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  receive: ReceiveUpload,
  headers: Record<string, string>,
): Promise<void> {
  const reply = (status: number, body: unknown) => {
    if (res.headersSent) return;
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'PUT') {
    res.writeHead(405, { ...headers, Allow: 'PUT' }).end();
    return;
  }
  const relPath = url.searchParams.get('path');
  if (relPath === null || relPath === '') {
    reply(400, {
      error: {
        code: 'InvalidArgument',
        message: 'upload: the path query parameter is missing',
        field: 'path',
      },
    });
    req.resume();
    return;
  }
  const length = req.headers['content-length'];
  const size = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
  try {
    const result = await receive(relPath, req, size);
    reply(200, result);
  } catch (e) {
    const info: ErrorInfo = isNetGuardianError(e)
      ? e.toInfo()
      : { code: 'FileSystemError', message: `upload failed: ${(e as Error).message}` };
    reply(statusOf(info), { error: info });
    // Whatever was not read of the body: drop it, so the connection can answer.
    req.resume();
  }
}
