import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  wireClientMessageSchema,
  type WireServerMessage,
} from '../../../src-shared/ipc/contract.js';
import type { CoreService } from '../app/corePort.js';
import { dispatchRequest } from '../app/dispatch.js';
import type { Logger } from '../log.js';
import { SUBPROTOCOL_PREFIX } from './requestGuard.js';

/**
 * The contract over WebSocket (JSON text frames, WireClientMessage /
 * WireServerMessage): each frame is parsed, checked against the wire schema,
 * then against the channel's request schema, and answered; a bad frame gets
 * an error reply (with its id when it had one), never a crash. Every open
 * socket receives the service's pushes.
 */

/** Largest frame accepted (a files:import of 10,000 long paths fits). */
export const MAX_PAYLOAD = 4 * 1024 * 1024;

export interface WsBridge {
  /** Completes an upgrade the server already authorized. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** A text frame's bytes as a string (ws hands over a Buffer, or fragments of one). */
const textOf = (data: RawData): string =>
  (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');

const send = (ws: WebSocket, message: WireServerMessage) => {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
};

function errorReply(id: number, message: string, field?: string): WireServerMessage {
  return {
    type: 'response',
    id,
    ok: false,
    error: { code: 'InvalidArgument', message, ...(field !== undefined ? { field } : {}) },
  };
}

export function createWsBridge(service: CoreService, log: Logger): WsBridge {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    // Echo the token subprotocol the browser offered (a browser drops a socket whose server
    // picks none of its protocols); the token itself was checked before the upgrade.
    handleProtocols: (protocols) =>
      [...protocols].find((p) => p.startsWith(SUBPROTOCOL_PREFIX)) ?? false,
  });

  const onFrame = async (ws: WebSocket, data: RawData, isBinary: boolean) => {
    if (isBinary) {
      send(ws, errorReply(0, 'frames must be JSON text'));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(textOf(data));
    } catch {
      send(ws, errorReply(0, 'the frame is not valid JSON'));
      return;
    }
    const wire = wireClientMessageSchema.safeParse(json);
    if (!wire.success) {
      const issue = wire.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
      const rawId = (json as { id?: unknown } | null)?.id;
      const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0 ? rawId : 0;
      send(
        ws,
        errorReply(id, `malformed message: ${where}: ${issue?.message ?? 'invalid'}`, where),
      );
      return;
    }
    const { id, channel, payload } = wire.data;
    const reply = await dispatchRequest(service, channel, payload, 'browser');
    send(ws, { type: 'response', id, ...reply });
  };

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = service.subscribe((message) => send(ws, { type: 'push', ...message }));
    ws.on('message', (data, isBinary) => {
      onFrame(ws, data, isBinary).catch((e: unknown) =>
        log.error({ error: (e as Error).message }, 'websocket frame failed'),
      );
    });
    // Too large a frame, a protocol error: ws closes the socket; nothing else to do.
    ws.on('error', (e) => log.warn({ error: e.message }, 'websocket error'));
    ws.on('close', unsubscribe);
  });

  return {
    accept(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
