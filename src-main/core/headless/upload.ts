import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNetGuardianError, type ErrorInfo } from '../../../src-shared/errors.js';
import type { UploadResult } from '../app/receiveUpload.js';
import type { Logger } from '../log.js';
import { BodyStalled, untilStalled } from './bodyProgress.js';

/**
 * PUT `/api/upload?path=<path in the folder>` with the file's bytes as the
 * body (the headless UI's drag and drop; TOKEN_HEADER checked by the server).
 * Answers `{ path, size }` (the path it landed at: "name (2).ext" when the
 * name was taken), or `{ error: { code, message, field } }`.
 *
 * The body has no time limit, only a progress one: when no byte arrives for `idleMs` the upload
 * stops (nothing of it is kept: receiveUpload removes its temp file), the answer is a 408 with a
 * sentence, and the connection is closed.
 */

export interface UploadOptions {
  /** Headers on every response (securityHeaders). */
  readonly headers: Record<string, string>;
  /** The body must keep moving: no byte for this long stops the upload. */
  readonly idleMs: number;
  readonly log: Logger;
}

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
  { headers, idleMs, log }: UploadOptions,
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
  // The connection's own inactivity timeout (the server's `idleMs`) would also fire while the
  // file is fsynced and recorded after its last byte: our work, not a stalled peer. The body's
  // watchdog replaces it; Node restores it for the connection's next request.
  req.setTimeout(0);
  try {
    const result = await receive(relPath, untilStalled(req, idleMs), size);
    reply(200, result);
  } catch (e) {
    if (e instanceof BodyStalled) {
      const sentence =
        `The upload of ${relPath} stopped: no data arrived for ${e.idleMs / 1000} s. ` +
        'Nothing of it was kept; upload it again.';
      log.warn({ path: relPath, idleMs: e.idleMs }, sentence);
      if (res.headersSent) res.destroy();
      else {
        // `Connection: close`: Node closes the connection once the answer is written, which
        // also ends the read still waiting on the stalled body.
        res.writeHead(408, {
          ...headers,
          'Content-Type': 'text/plain; charset=utf-8',
          Connection: 'close',
        });
        res.end(`${sentence}\n`);
      }
      return;
    }
    const info: ErrorInfo = isNetGuardianError(e)
      ? e.toInfo()
      : { code: 'FileSystemError', message: `upload failed: ${(e as Error).message}` };
    reply(statusOf(info), { error: info });
    // Whatever was not read of the body: drop it, so the connection can answer.
    req.resume();
  }
}
