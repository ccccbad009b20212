import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { isNetGuardianError } from '../../../src-shared/errors.js';
import type { DownloadSource } from '../files/fileDownload.js';

/** The service's side of a download: the file at a path of the folder, opened and checked. */
export type OpenDownload = (relPath: string) => Promise<DownloadSource>;

/**
 * GET `/api/download?path=<path in the folder>` (TOKEN_HEADER checked by the server): the file's
 * bytes as an attachment. The file is data, never a page of ours: it is served as
 * application/octet-stream with nosniff and a sandboxing CSP, so a synced `.html` can't run in
 * this origin. An error is a short text the page shows.
 */
export async function handleDownload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  openDownload: OpenDownload,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET') {
    res.writeHead(405, { ...headers, Allow: 'GET' }).end();
    return;
  }
  const relPath = url.searchParams.get('path') ?? '';
  let source: DownloadSource;
  try {
    source = await openDownload(relPath);
  } catch (e) {
    if (!isNetGuardianError(e)) throw e;
    const status = e.code === 'NotFound' ? 404 : 400;
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(e.message);
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(source.size),
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(source.name)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': 'no-store',
  });
  await pipeline(source.stream, res);
}
