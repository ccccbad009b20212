import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { NetGuardianError, type ErrorCode } from '../../../src-shared/errors.js';
import type { ErrorBody } from '../../../src-shared/hubProtocol/protocol.js';

/** The HTTP status each error code answers with. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  InvalidArgument: 400,
  InvalidEvent: 400,
  ChunkHashMismatch: 400,
  AccessDenied: 403,
  InviteRefused: 403,
  NotFound: 404,
  PayloadTooLarge: 413,
  ProtocolMismatch: 426,
  RateLimited: 429,
  QuotaExceeded: 507,
};

export const statusOf = (code: ErrorCode): number => STATUS[code] ?? 500;

/** Answers with one JSON body. A stream already closed by the peer is left alone. */
export function sendJson(stream: ServerHttp2Stream, status: number, body: unknown): void {
  if (stream.destroyed || stream.closed) return;
  const text = JSON.stringify(body);
  if (!stream.headersSent)
    stream.respond({
      ':status': status,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
  stream.end(text);
}

export function sendError(stream: ServerHttp2Stream, error: NetGuardianError): void {
  const body: ErrorBody = { error: error.toInfo() };
  if (stream.headersSent) {
    // Mid-answer (a stream of rows or chunks): the client sees the stream cut, not a body.
    stream.close(2 /* INTERNAL_ERROR */);
    return;
  }
  sendJson(stream, statusOf(error.code), body);
}

/**
 * A request's whole body, refused (`PayloadTooLarge`) as soon as it passes `maxBytes`: a declared
 * length over it is refused before a byte is read, and a body without one is cut when it grows
 * past it, so no request makes the hub hold more than `maxBytes`.
 */
export async function readBody(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  maxBytes: number,
): Promise<Buffer> {
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const pieces: Buffer[] = [];
  let total = 0;
  await eachPiece(stream, (piece) => {
    total += piece.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes);
    pieces.push(piece);
  });
  return Buffer.concat(pieces, total);
}

/**
 * Hands each piece of a request body to `use`, one at a time (the stream is paused while `use`
 * works). When `use` throws, reading stops but the stream stays open, so the error can still be
 * answered; a `for await` loop would destroy the stream on the way out, and the device would see
 * a cut connection instead of the reason.
 */
export function eachPiece(
  stream: ServerHttp2Stream,
  use: (piece: Buffer) => void | Promise<void>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    let working: Promise<void> = Promise.resolve();
    const stop = (e: unknown) => {
      failed = true;
      stream.off('data', onData);
      stream.pause();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const onData = (piece: Buffer) => {
      if (failed) return;
      let pending: void | Promise<void>;
      try {
        pending = use(piece);
      } catch (e) {
        stop(e);
        return;
      }
      if (pending) {
        stream.pause();
        working = pending;
        pending.then(
          () => {
            if (!failed) stream.resume();
          },
          (e: unknown) => stop(e),
        );
      }
    };
    stream.on('data', onData);
    stream.once('end', () => {
      // The last piece's work may still run.
      working.then(
        () => {
          if (!failed) resolve();
        },
        () => undefined,
      );
    });
    let ended = false;
    stream.once('end', () => (ended = true));
    stream.once('aborted', () => stop(new Error('the device cancelled the request')));
    // A connection that drops mid-body ends the stream without 'aborted' on some paths: without
    // this the request would wait forever, holding the device's turn (deviceTurns.ts).
    stream.once('close', () => {
      if (!ended && !failed) stop(new Error('the connection closed before the request was sent'));
    });
  });
}

export const tooLarge = (maxBytes: number): NetGuardianError =>
  new NetGuardianError(
    'PayloadTooLarge',
    `the request is larger than the hub takes (${maxBytes} bytes at most)`,
    'body',
  );

/** Writes a piece and waits while the peer's window is full, so a slow reader never piles up memory. */
export async function writeInOrder(stream: ServerHttp2Stream, piece: Uint8Array): Promise<void> {
  if (stream.destroyed || stream.closed)
    throw new NetGuardianError('InvalidArgument', 'the device closed the stream', 'stream');
  if (stream.write(piece)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', closed);
      resolve();
    };
    const closed = () => {
      stream.off('drain', done);
      reject(new NetGuardianError('InvalidArgument', 'the device closed the stream', 'stream'));
    };
    stream.once('drain', done);
    stream.once('close', closed);
  });
}
