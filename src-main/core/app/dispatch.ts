import { isNetGuardianError, type ErrorInfo } from '../../../src-shared/errors.js';
import {
  parseRequest,
  type Channel,
  type ContractHandlers,
  type Reply,
  type RequestOf,
} from '../../../src-shared/ipc/contract.js';

/**
 * One request from any UI transport (Electron port, WebSocket): validated
 * against the contract, run by its handler, and answered as a value. Never
 * throws: a bad request or a failing handler becomes `{ ok: false, error }`.
 */
export async function dispatchRequest(
  handlers: ContractHandlers,
  channel: unknown,
  payload: unknown,
): Promise<Reply<unknown>> {
  const parsed = parseRequest(channel, payload);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  try {
    const handler = handlers[parsed.channel] as (p: RequestOf<Channel>) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.payload) };
  } catch (e) {
    return { ok: false, error: errorInfoOf(e, parsed.channel) };
  }
}

/** Expected failures keep their code; anything else is reported as a store error, in words. */
export function errorInfoOf(e: unknown, channel: string): ErrorInfo {
  if (isNetGuardianError(e)) return e.toInfo();
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'StoreError', message: `${channel} failed: ${message}` };
}
