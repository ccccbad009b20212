import type { Socket } from 'node:net';
import { isNetGuardianError, type ErrorInfo } from '../../../../src-shared/errors.js';
import type { PushMessage, Reply, WireServerMessage } from '../../../../src-shared/ipc/contract.js';
import { dispatchRequest } from '../../app/dispatch.js';
import type { Logger } from '../../log.js';
import type { ControlService } from './controlService.js';
import { FrameReader, socketPuller } from './frameReader.js';
import { idleVerdict, type ControlLimits } from './limits.js';
import { PushGate } from './pushGate.js';
import { encodeLine, errorResponse, parseClientLine, type UploadHeader } from './wireFormat.js';

/**
 * The owner's side of one control connection (wire format: wireFormat.ts).
 * Lines are read one at a time and only while the connection has room: fewer
 * than `maxInFlight` of its requests running and less than `maxUnsentBytes`
 * queued to it. Requests run concurrently and are answered as they finish.
 * Nothing a client sends can throw out of here: a bad line is answered, a
 * line too long or an upload ends the connection, a failing socket is dropped.
 */

export interface ControlConnection {
  /** Hands a push to this client if it subscribed (held back while it is not reading). */
  push(message: PushMessage): void;
  /** Ends it now (the owner is closing). */
  destroy(): void;
  /** Settles when the socket is closed. */
  readonly closed: Promise<void>;
}

export interface ConnectionOptions {
  readonly socket: Socket;
  readonly service: Promise<ControlService>;
  readonly limits: ControlLimits;
  readonly log: Logger;
}

export function serveConnection(options: ConnectionOptions): ControlConnection {
  const { socket, service, limits, log } = options;
  const reader = new FrameReader(socketPuller(socket), limits.maxLineBytes);
  const gate = new PushGate(limits.maxUnsentBytes);
  const running = new Set<Promise<void>>();
  let subscribed = false;
  let wakeReader: (() => void) | undefined;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  const wake = () => {
    const wakeNow = wakeReader;
    wakeReader = undefined;
    wakeNow?.();
  };
  const hasRoom = () =>
    running.size < limits.maxInFlight && socket.writableLength <= limits.maxUnsentBytes;

  /** After each write reaches the kernel: if the client caught up, send what was held back. */
  const afterWrite = () => {
    if (socket.writableLength > limits.maxUnsentBytes) return;
    if (subscribed) for (const message of gate.drained()) send({ type: 'push', ...message });
    wake();
  };
  const send = (message: WireServerMessage) => {
    if (socket.destroyed || !socket.writable) return;
    socket.write(encodeSafely(message), afterWrite);
  };

  const answer = async (id: number, channel: string, payload: unknown) => {
    const reply = await replyTo(service, channel, payload);
    send({ type: 'response', id, ...reply });
  };

  const startRequest = (id: number, channel: string, payload: unknown) => {
    const task = answer(id, channel, payload).finally(() => {
      running.delete(task);
      wake();
    });
    running.add(task);
  };

  /** Answers with an error and ends the connection, reading (and dropping) its input a while. */
  const endWith = async (message: WireServerMessage) => {
    send(message);
    socket.end();
    // Closing with unread input makes the kernel reset the connection, which can destroy the
    // answer before the client reads it: drain the input until the client hangs up.
    const timer = setTimeout(() => socket.destroy(), limits.lingerMs);
    try {
      await reader.discardUntilEnd();
    } finally {
      clearTimeout(timer);
    }
  };

  const upload = async (header: UploadHeader) => {
    let reply: Reply<unknown>;
    try {
      const ready = await service;
      try {
        const value = await ready.receiveUpload(header.path, reader.body(header.size), header.size);
        reply = { ok: true, value };
      } catch (e) {
        reply = { ok: false, error: uploadErrorInfo(e) };
      }
    } catch (e) {
      reply = { ok: false, error: notStartedInfo(e) };
    }
    log.debug({ size: header.size, ok: reply.ok }, 'control upload');
    await endWith({ type: 'response', id: header.id, ...reply });
  };

  const run = async () => {
    for (let first = true; ; first = false) {
      while (!hasRoom() && !socket.destroyed) await new Promise<void>((r) => (wakeReader = r));
      if (socket.destroyed) return;
      const read = await reader.readLine();
      if (read.kind === 'end') break;
      if (read.kind === 'tooLong') {
        log.warn({ maxLineBytes: limits.maxLineBytes }, 'control connection: line too long');
        await endWith(
          errorResponse(0, {
            code: 'PayloadTooLarge',
            message: `a message is longer than ${limits.maxLineBytes} bytes`,
            field: 'message',
          }),
        );
        return;
      }
      const parsed = parseClientLine(read.text);
      if (!parsed.ok) {
        send(errorResponse(parsed.id, parsed.error));
        continue;
      }
      const message = parsed.message;
      switch (message.type) {
        case 'request':
          startRequest(message.id, message.channel, message.payload);
          break;
        case 'subscribe':
          subscribed = true;
          break;
        case 'unsubscribe':
          subscribed = false;
          gate.drained();
          break;
        case 'upload':
          if (first) {
            await upload(message);
            return;
          }
          send(
            errorResponse(message.id, {
              code: 'InvalidArgument',
              message: 'upload: an upload must be the first message of its own connection',
              field: 'type',
            }),
          );
          break;
        default: {
          const unexpected: never = message;
          throw new Error(`unhandled message ${JSON.stringify(unexpected)}`);
        }
      }
    }
    // The client hung up its side: answer what it asked, then hang up ours.
    await Promise.all(running);
    socket.end();
  };

  socket.setTimeout(limits.idleMs);
  socket.on('timeout', () => {
    const verdict = idleVerdict({
      waitingForClient: reader.waitingForClient,
      partial: reader.partial,
      inFlight: running.size,
      subscribed,
      unsentBytes: socket.writableLength,
    });
    if (verdict === 'close') {
      log.debug({ unsentBytes: socket.writableLength }, 'control connection idle: closed');
      socket.destroy();
    } else socket.setTimeout(limits.idleMs);
  });
  socket.on('error', (e: NodeJS.ErrnoException) =>
    log.debug({ code: e.code }, 'control connection error'),
  );
  socket.on('close', wake);
  run().catch((e: unknown) => {
    // The socket failed or was destroyed while being read: nothing left to answer.
    log.debug({ error: (e as Error).message }, 'control connection ended');
    socket.destroy();
  });

  return {
    push(message) {
      if (!subscribed || socket.destroyed) return;
      for (const out of gate.offer(message, socket.writableLength)) send({ type: 'push', ...out });
    },
    destroy: () => socket.destroy(),
    closed,
  };
}

async function replyTo(
  service: Promise<ControlService>,
  channel: string,
  payload: unknown,
): Promise<Reply<unknown>> {
  let ready: ControlService;
  try {
    ready = await service;
  } catch (e) {
    return { ok: false, error: notStartedInfo(e) };
  }
  return dispatchRequest(ready, channel, payload, 'command');
}

/** The service failed to open: every request is answered with why (as corePort does). */
function notStartedInfo(e: unknown): ErrorInfo {
  if (isNetGuardianError(e)) return e.toInfo();
  return { code: 'StoreError', message: `the core could not start: ${messageOf(e)}` };
}

/** As the headless upload: expected failures keep their code, the rest is the disk's. */
function uploadErrorInfo(e: unknown): ErrorInfo {
  if (isNetGuardianError(e)) return e.toInfo();
  return { code: 'FileSystemError', message: `upload failed: ${messageOf(e)}` };
}

/** A handler's value that JSON cannot carry (a BigInt, a cycle) is a bug: answered as one. */
function encodeSafely(message: WireServerMessage): string {
  try {
    return encodeLine(message);
  } catch (e) {
    if (message.type !== 'response') throw e;
    return encodeLine(
      errorResponse(message.id, {
        code: 'StoreError',
        message: `the answer could not be encoded: ${messageOf(e)}`,
      }),
    );
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
