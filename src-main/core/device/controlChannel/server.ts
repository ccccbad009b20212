import { createServer, type Socket } from 'node:net';
import { messages } from '../../../../src-shared/messages.js';
import { childLogger, type Logger } from '../../log.js';
import { bindSocket } from './bindSocket.js';
import { serveConnection, type ControlConnection } from './connection.js';
import type { ControlService } from './controlService.js';
import { DEFAULT_LIMITS, type ControlLimits } from './limits.js';
import { ensurePrivateDir } from './privateDir.js';
import { controlSocketPlace } from './socketPath.js';
import { encodeLine, errorResponse } from './wireFormat.js';

/**
 * The owner of a data directory serves the contract to the CLI processes of
 * the same user on a local socket (socketPath.ts), so that `netguardian status`
 * and friends never open the device's store a second time.
 *
 * Only the holder of the owner lock (ownerLock.ts) may call this: it replaces
 * whatever is at the socket path (a crashed owner's stale socket file), and it
 * must `close()` before releasing the lock.
 *
 * Who may connect: this user only. The socket is 0600 (bindSocket.ts) and lives
 * in the data directory (0700 when we created it) or in a 0700 folder of this
 * user (privateDir.ts). Node has no call for the peer's credentials
 * (SO_PEERCRED / getpeereid), so the file modes are the whole check: the same
 * one OpenSSH's agent socket relies on. Nothing received is executed; upload
 * paths are checked by receiveUpload.
 */

export interface ControlChannelOptions {
  readonly dataDir: string;
  /** Requests that come while it is still opening wait for it; if opening fails, they get why. */
  readonly service: ControlService | Promise<ControlService>;
  readonly log?: Logger;
  /** Tests tighten these; the defaults suit a desktop. */
  readonly limits?: Partial<ControlLimits>;
}

export interface ControlChannelServer {
  /** Where it listens (a socket path or a Windows pipe name). */
  readonly path: string;
  /** Stops listening, drops every connection (their calls fail at once), removes the socket. */
  close(): Promise<void>;
}

export async function serveControlChannel(
  options: ControlChannelOptions,
): Promise<ControlChannelServer> {
  const log = childLogger(options.log, 'controlChannel');
  const limits: ControlLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const service = Promise.resolve(options.service);
  // A failed opening is reported to each request; this copy only must not be unhandled.
  void service.catch(() => undefined);

  const place = await controlSocketPlace(options.dataDir);
  if (place.privateDir !== null) await ensurePrivateDir(place.privateDir);

  const connections = new Set<ControlConnection>();
  let closing = false;

  const server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    if (connections.size >= limits.maxConnections) {
      log.warn({ connections: connections.size }, 'control channel: too many connections');
      refuse(socket, limits.lingerMs);
      return;
    }
    const connection = serveConnection({ socket, service, limits, log });
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
  });

  const bound = await bindSocket(server, place.path);
  log.info({ path: place.path }, 'control channel listening');

  let unsubscribe: (() => void) | undefined;
  void service.then(
    (ready) => {
      if (closing) return;
      unsubscribe = ready.subscribe((message) => {
        for (const connection of connections) {
          try {
            connection.push(message);
          } catch (e) {
            log.error({ channel: message.channel, error: (e as Error).message }, 'push failed');
          }
        }
      });
    },
    () => undefined, // Opening failed: requests say so; there will be no pushes.
  );

  let closed: Promise<void> | undefined;
  return {
    path: place.path,
    close: () =>
      (closed ??= (async () => {
        closing = true;
        unsubscribe?.();
        for (const connection of connections) connection.destroy();
        await bound.close();
      })()),
  };
}

/** One line saying why, then the connection is closed; its input is not read. */
function refuse(socket: Socket, lingerMs: number): void {
  socket.on('error', () => undefined);
  socket.end(encodeLine(errorResponse(0, { code: 'StoreError', message: messages.ownerBusy })));
  socket.resume();
  setTimeout(() => socket.destroy(), lingerMs).unref();
}
