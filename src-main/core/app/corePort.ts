import { z } from 'zod';
import { NetGuardianError } from '../../../src-shared/errors.js';
import {
  PUSH_CHANNELS,
  errorInfoSchema,
  type Channel,
  type ContractClient,
  type ContractHandlers,
  type PushMessage,
  type RequestOf,
  type ResponseOf,
} from '../../../src-shared/ipc/contract.js';
import { dispatchRequest } from './dispatch.js';

/**
 * The core behind a message port, so Electron can run it in a utility process
 * (PGlite queries and hashing never block the main thread). Messages are the
 * headless mode's wire format as plain objects (structured clone, no JSON):
 *
 *   client → core  { type: 'request', id, channel, payload }
 *                  { type: 'shutdown' }             (the client closes: the core may exit)
 *   core → client  { type: 'response', id, ok: true, value } | { ..., ok: false, error }
 *                  { type: 'push', channel, payload }
 *
 * The core validates every request against the contract again (`parseRequest`):
 * a port is a process boundary. Anything else that arrives is ignored.
 */

export interface PortLike {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

/** What the core side serves: the contract's handlers and its pushes. */
export interface CoreService extends ContractHandlers {
  subscribe(listener: (message: PushMessage) => void): () => void;
}

export interface ServeOptions {
  /** The client said it is done (`close()`): the host process may shut the core down. */
  readonly onShutdown?: () => void;
}

const requestSchema = z.object({
  type: z.literal('request'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.unknown(),
  payload: z.unknown(),
});

/**
 * Answers requests arriving on `port` with `service` (or, while it is still
 * opening, once it is open; if opening fails, with that error) and forwards
 * its pushes. Returns a function that stops serving.
 */
export function serveCoreOverPort(
  port: PortLike,
  service: CoreService | Promise<CoreService>,
  options: ServeOptions = {},
): () => void {
  const ready = Promise.resolve(service);
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  ready
    .then((s) => {
      if (!stopped)
        unsubscribe = s.subscribe((message) => port.postMessage({ type: 'push', ...message }));
    })
    .catch(() => undefined);
  const answer = async (id: number, channel: unknown, payload: unknown) => {
    let reply;
    try {
      reply = await dispatchRequest(await ready, channel, payload, 'desktop');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      reply = {
        ok: false as const,
        error: isInfo(e)
          ? e.toInfo()
          : { code: 'StoreError' as const, message: `the core could not start: ${message}` },
      };
    }
    if (!stopped) port.postMessage({ type: 'response', id, ...reply });
  };
  const off = port.onMessage((message) => {
    if (isShutdown(message)) {
      options.onShutdown?.();
      return;
    }
    const parsed = requestSchema.safeParse(message);
    if (!parsed.success) {
      const id = (message as { id?: unknown } | null)?.id;
      // Answer what can be answered: a request with a usable id but a bad shape.
      if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0)
        port.postMessage({
          type: 'response',
          id,
          ok: false,
          error: {
            code: 'InvalidArgument',
            message: 'malformed request: expected { type: "request", id, channel, payload }',
          },
        });
      return;
    }
    void answer(parsed.data.id, parsed.data.channel, parsed.data.payload);
  });
  return () => {
    stopped = true;
    off();
    unsubscribe?.();
  };
}

const isInfo = (e: unknown): e is NetGuardianError => e instanceof NetGuardianError;
const isShutdown = (m: unknown): boolean =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'shutdown';

const responseSchema = z.union([
  z.object({
    type: z.literal('response'),
    id: z.number(),
    ok: z.literal(true),
    value: z.unknown(),
  }),
  z.object({
    type: z.literal('response'),
    id: z.number(),
    ok: z.literal(false),
    error: errorInfoSchema,
  }),
]);
const pushSchema = z.object({
  type: z.literal('push'),
  channel: z.enum(PUSH_CHANNELS),
  payload: z.unknown(),
});

interface Pending {
  resolve(value: unknown): void;
  reject(error: NetGuardianError): void;
}

/** The UI side: the contract's client over a port to a core served by `serveCoreOverPort`. */
export function connectCoreOverPort(port: PortLike): ContractClient & { close(): void } {
  const pending = new Map<number, Pending>();
  const listeners = new Set<(message: PushMessage) => void>();
  let nextId = 1;
  let closed = false;

  const off = port.onMessage((message) => {
    const push = pushSchema.safeParse(message);
    if (push.success) {
      const pushMessage = { channel: push.data.channel, payload: push.data.payload } as PushMessage;
      for (const listener of listeners) listener(pushMessage);
      return;
    }
    const response = responseSchema.safeParse(message);
    if (!response.success) return;
    const waiting = pending.get(response.data.id);
    if (!waiting) return;
    pending.delete(response.data.id);
    if (response.data.ok) waiting.resolve(response.data.value);
    else waiting.reject(NetGuardianError.from(response.data.error));
  });

  return {
    call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
      if (closed)
        return Promise.reject(
          new NetGuardianError('StoreError', `${channel}: the core connection is closed`),
        );
      const id = nextId++;
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        pending.set(id, { resolve: (v) => resolve(v as ResponseOf<C>), reject });
        port.postMessage({ type: 'request', id, channel, payload });
      });
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      off();
      listeners.clear();
      for (const waiting of pending.values())
        waiting.reject(
          new NetGuardianError('StoreError', 'the core connection was closed before it answered'),
        );
      pending.clear();
      try {
        port.postMessage({ type: 'shutdown' });
      } catch {
        // The core is gone already.
      }
    },
  };
}
