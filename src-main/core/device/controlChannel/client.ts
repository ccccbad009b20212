import type { Socket } from 'node:net';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type {
  Channel,
  ContractClient,
  PushMessage,
  RequestOf,
  ResponseOf,
} from '../../../../src-shared/ipc/contract.js';
import { messages } from '../../../../src-shared/messages.js';
import type { UploadResult } from '../../app/receiveUpload.js';
import { sendUpload } from './clientUpload.js';
import { connectSocket } from './connectSocket.js';
import { LineSplitter } from './lineSplitter.js';
import { controlSocketPlace } from './socketPath.js';
import { encodeLine, parseServerMessage } from './lineCodec.js';
import type { ClientMessage } from './wireFormat.js';

/**
 * A CLI process's side of the control channel: the contract's client
 * (`call`, `listen`) to the process that owns the data directory, plus uploads.
 * Every call settles: with the answer, with the owner's error, or, if the
 * connection dies first (the owner crashed, was killed, or shut down), with
 * "the NetGuardian process running this device stopped while answering".
 */

export interface ControlClient extends ContractClient {
  /** One file into the synced folder at `relPath`; `size` bytes exactly, streamed. */
  upload(
    relPath: string,
    source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
    size: number,
  ): Promise<UploadResult>;
  /** Hangs up; calls still waiting are rejected. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** How long to wait for the owner to accept the connection. */
  readonly timeoutMs: number;
}

/**
 * Answers can be large (a conflict list, a page of 5,000 files with long paths); one longer
 * than this is taken as a broken owner.
 */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** The owner's client, or undefined when no process owns `dataDir` (nothing listens). */
export async function connectControlChannel(
  dataDir: string,
  options: ConnectOptions,
): Promise<ControlClient | undefined> {
  const place = await controlSocketPlace(dataDir);
  const socket = await connectSocket(place, options.timeoutMs);
  if (socket === undefined) return undefined;
  return createControlClient(socket, () => connectSocket(place, options.timeoutMs));
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: NetGuardianError): void;
}

function createControlClient(
  socket: Socket,
  reconnect: () => Promise<Socket | undefined>,
): ControlClient {
  const pending = new Map<number, Pending>();
  const listeners = new Set<(message: PushMessage) => void>();
  const splitter = new LineSplitter(MAX_ANSWER_BYTES);
  let nextId = 1;
  /** Set once the connection is over: every later call fails with it. */
  let ended: NetGuardianError | undefined;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  const end = (error: NetGuardianError) => {
    ended ??= error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    listeners.clear();
    socket.destroy();
  };
  const send = (message: ClientMessage) => {
    if (ended === undefined) socket.write(encodeLine(message));
  };

  const onLine = (text: string) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return; // Not from a NetGuardian owner; nothing to route it to.
    }
    const message = parseServerMessage(json);
    if (message === undefined) return;
    if (message.type === 'push') {
      const push = { channel: message.channel, payload: message.payload } as PushMessage;
      for (const listener of [...listeners]) listener(push);
      return;
    }
    const error = message.ok
      ? undefined
      : NetGuardianError.from(
          message.error ?? { code: 'StoreError', message: 'the answer carried no error' },
        );
    const waiting = pending.get(message.id);
    if (waiting === undefined) {
      // Id 0 is about the connection itself (refused as busy, a line too long): it is over.
      if (message.id === 0 && error !== undefined) end(error);
      return;
    }
    pending.delete(message.id);
    if (error === undefined) waiting.resolve(message.value);
    else waiting.reject(error);
  };

  socket.on('data', (chunk: Buffer) => {
    splitter.push(chunk);
    for (let line = splitter.next(); line !== undefined; line = splitter.next()) {
      if (line.kind === 'tooLong') {
        end(new NetGuardianError('StoreError', 'an answer from the owner is too long to read'));
        return;
      }
      onLine(line.text);
    }
  });
  socket.on('error', () => undefined); // 'close' follows and says what matters
  socket.on('close', () => end(new NetGuardianError('StoreError', messages.ownerStopped)));

  return {
    call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
      if (ended !== undefined) return Promise.reject(ended);
      const id = nextId++;
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        pending.set(id, { resolve: (value) => resolve(value as ResponseOf<C>), reject });
        send({ type: 'request', id, channel, payload });
      });
    },

    listen(listener) {
      if (ended !== undefined) return () => undefined;
      if (listeners.size === 0) send({ type: 'subscribe' });
      listeners.add(listener);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        send({ type: 'unsubscribe' });
      };
    },

    async upload(relPath, source, size) {
      if (ended !== undefined) throw ended;
      const uploadSocket = await reconnect();
      if (uploadSocket === undefined)
        throw new NetGuardianError('StoreError', messages.ownerStopped);
      return sendUpload(uploadSocket, { type: 'upload', id: 1, path: relPath, size }, source);
    },

    async close() {
      end(new NetGuardianError('StoreError', messages.ownerConnectionClosed));
      await closed;
    },
  };
}
