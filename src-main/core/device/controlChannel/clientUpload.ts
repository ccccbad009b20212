import type { Socket } from 'node:net';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { messages } from '../../../../src-shared/messages.js';
import type { UploadResult } from '../../app/receiveUpload.js';
import { LineSplitter } from './lineSplitter.js';
import { encodeLine, parseServerMessage, type ServerMessage } from './lineCodec.js';
import type { UploadHeader } from './wireFormat.js';

/**
 * One upload on its own connection: the header line, exactly `size` bytes from
 * `source` (waiting for the socket to drain, so a large file is never held in
 * memory), then the owner's one answer. The owner may answer early (a bad path,
 * too large): sending stops there and that answer is the result.
 */

/** The owner's answer to an upload, checked by hand (see lineCodec.ts). */
function uploadResult(value: unknown): UploadResult | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { path, size } = value as { path?: unknown; size?: unknown };
  return typeof path === 'string' && typeof size === 'number' ? { path, size } : undefined;
}

/** Answers are one short line; anything longer is not an answer. */
const MAX_ANSWER_BYTES = 64 * 1024;

export async function sendUpload(
  socket: Socket,
  header: UploadHeader,
  source: AsyncIterable<Uint8Array | string>,
): Promise<UploadResult> {
  let answered = false;
  let wakeSender: (() => void) | undefined;
  const answer = readAnswer(socket).finally(() => {
    answered = true;
    wakeSender?.();
  });
  // Settled either way below; this copy only keeps an early rejection from being unhandled.
  void answer.catch(() => undefined);

  const waitDrain = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        wakeSender = undefined;
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
      wakeSender = done;
    });

  try {
    socket.write(encodeLine(header));
    let sent = 0;
    for await (const chunk of source) {
      if (answered || socket.destroyed) break;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      sent += bytes.byteLength;
      if (sent > header.size)
        throw new NetGuardianError(
          'InvalidArgument',
          `upload: the file is longer than the ${header.size} bytes announced`,
          'size',
        );
      if (!socket.write(bytes)) await waitDrain();
    }
    if (!answered && !socket.destroyed && sent < header.size)
      throw new NetGuardianError(
        'InvalidArgument',
        `upload: the file ended after ${sent} of the ${header.size} bytes announced`,
        'size',
      );
  } catch (e) {
    // The source failed or broke its promise: the owner sees the connection end short and
    // keeps nothing. This error, not the owner's echo of it, is the one to report.
    socket.destroy();
    throw e;
  }
  try {
    const reply = await answer;
    if (!reply.ok)
      throw NetGuardianError.from(
        reply.error ?? { code: 'StoreError', message: 'upload: the answer carried no error' },
      );
    const result = uploadResult(reply.value);
    if (result === undefined)
      throw new NetGuardianError('StoreError', 'upload: the answer is not an upload result');
    return result;
  } finally {
    socket.destroy();
  }
}

type Answer = Extract<ServerMessage, { type: 'response' }>;

/** The first response line on the socket; rejects if the connection ends without one. */
function readAnswer(socket: Socket): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const splitter = new LineSplitter(MAX_ANSWER_BYTES);
    socket.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      for (let line = splitter.next(); line !== undefined; line = splitter.next()) {
        if (line.kind === 'tooLong') {
          reject(new NetGuardianError('StoreError', 'upload: the answer is not an upload result'));
          socket.destroy();
          return;
        }
        const parsed = parseServerMessage(parseJson(line.text));
        if (parsed?.type === 'response') {
          resolve(parsed);
          return;
        }
      }
    });
    socket.on('error', () => undefined); // 'close' follows and says what matters
    socket.once('close', () => reject(new NetGuardianError('StoreError', messages.ownerStopped)));
  });
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
