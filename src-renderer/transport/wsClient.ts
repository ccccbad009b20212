import type {
  Channel,
  ContractClient,
  PushMessage,
  RequestOf,
  ResponseOf,
  WireClientMessage,
  WireServerMessage,
} from '../../src-shared/ipc/contract.js';
import { isPushMessage } from './electronTransport.js';
import { RemoteError, transportError } from './remoteError.js';
import type { ConnectionStatus } from './types.js';

export interface WsClientOptions {
  readonly url: string;
  readonly protocols: readonly string[];
  /** How long a request may wait for its answer, including time spent offline. */
  readonly timeoutMs?: number;
  /** Channels that may legitimately run long (bulk resolve, a slow hub). */
  readonly slowTimeoutMs?: number;
  readonly WebSocketImpl?: typeof WebSocket;
  /** Reconnect delay after the n-th failed attempt (ms). */
  readonly backoff?: (attempt: number) => number;
  /**
   * Asked when a socket closes before it ever opened: whether the server refuses this page's
   * token (a browser does not say why an upgrade failed). Refused: no more retries.
   */
  readonly tokenRefused?: () => Promise<boolean>;
}

export interface WsClient {
  readonly client: ContractClient;
  readonly connection: () => ConnectionStatus;
  readonly onConnectionChange: (listener: (status: ConnectionStatus) => void) => () => void;
  readonly close: () => void;
}

const SLOW_CHANNELS: ReadonlySet<Channel> = new Set([
  'conflicts:resolve',
  'hub:test',
  'hub:join',
  'hub:create',
  'files:import',
  'folder:move',
  'sync:run',
  'history:restoreDeleted',
  'trash:empty',
]);

/** What a call says once the server refused this page's link. */
export const REFUSED =
  'This page’s access link is out of date: NetGuardian was restarted and made a new one.';

/** 0.5 s, 1 s, 2 s … capped at 10 s, with jitter so many tabs don't reconnect in lockstep. */
export const defaultBackoff = (attempt: number): number =>
  Math.min(500 * 2 ** attempt, 10_000) * (0.75 + Math.random() * 0.25);

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

/**
 * The contract over one WebSocket (headless mode). It reconnects forever with backoff; calls
 * made while offline wait (up to their timeout) and go out when the socket opens. A call already
 * sent when the socket drops is rejected: whether the core ran it is unknown, so the user decides.
 */
export function createWsClient(options: WsClientOptions): WsClient {
  const WS = options.WebSocketImpl ?? WebSocket;
  const backoff = options.backoff ?? defaultBackoff;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const slowTimeoutMs = options.slowTimeoutMs ?? 120_000;
  const pending = new Map<number, Pending>();
  const outbox = new Map<number, string>();
  const pushListeners = new Set<(message: PushMessage) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  let status: ConnectionStatus = 'connecting';
  let socket: WebSocket | null = null;
  let attempt = 0;
  let nextId = 1;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const setStatus = (next: ConnectionStatus) => {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const flush = () => {
    for (const [id, text] of outbox) {
      socket?.send(text);
      outbox.delete(id);
      const entry = pending.get(id);
      if (entry) entry.sent = true;
    }
  };

  const onMessage = (event: MessageEvent) => {
    let message: WireServerMessage;
    try {
      message = JSON.parse(String(event.data)) as WireServerMessage;
    } catch {
      return; // Not ours to interpret; the server only sends JSON.
    }
    if (message.type === 'push') {
      if (isPushMessage(message)) {
        const push = { channel: message.channel, payload: message.payload } as PushMessage;
        for (const listener of pushListeners) listener(push);
      }
      return;
    }
    const entry = pending.get(message.id);
    if (!entry) return; // Timed out already.
    pending.delete(message.id);
    clearTimeout(entry.timer);
    if (message.ok) entry.resolve(message.value);
    else entry.reject(new RemoteError(message.error));
  };

  const connect = () => {
    retryTimer = null;
    const ws = new WS(options.url, [...options.protocols]);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      setStatus('online');
      flush();
    };
    ws.onmessage = onMessage;
    let opened = false;
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, entry] of pending) {
        if (!entry.sent) continue;
        pending.delete(id);
        clearTimeout(entry.timer);
        entry.reject(transportError('The connection to NetGuardian was lost. Please try again.'));
      }
      if (closed) return;
      setStatus('offline');
      const retry = () => {
        if (!closed) retryTimer = setTimeout(connect, backoff(attempt++));
      };
      if (opened || !options.tokenRefused) return retry();
      options.tokenRefused().then((refused) => {
        if (!refused) return retry();
        setStatus('refused');
        for (const [id, entry] of pending) {
          pending.delete(id);
          outbox.delete(id);
          clearTimeout(entry.timer);
          entry.reject(transportError(REFUSED));
        }
      }, retry);
    };
  };

  const call = <C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> => {
    if (status === 'refused') return Promise.reject(transportError(REFUSED));
    const id = nextId++;
    const wire: WireClientMessage = { type: 'request', id, channel, payload };
    return new Promise<ResponseOf<C>>((resolve, reject) => {
      const limit = SLOW_CHANNELS.has(channel) ? slowTimeoutMs : timeoutMs;
      const timer = setTimeout(() => {
        pending.delete(id);
        outbox.delete(id);
        reject(
          transportError(
            status === 'online'
              ? 'NetGuardian did not answer in time. Please try again.'
              : 'NetGuardian is not reachable right now.',
          ),
        );
      }, limit);
      pending.set(id, {
        resolve: (value) => resolve(value as ResponseOf<C>),
        reject,
        timer,
        sent: false,
      });
      outbox.set(id, JSON.stringify(wire));
      if (socket?.readyState === WS.OPEN) flush();
    });
  };

  connect();
  return {
    client: {
      call,
      listen(listener) {
        pushListeners.add(listener);
        return () => pushListeners.delete(listener);
      },
    },
    connection: () => status,
    onConnectionChange(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      socket?.close();
    },
  };
}
