import { isNetGuardianError, type ErrorInfo } from '../../../src-shared/errors.js';
import {
  parseRequest,
  type Channel,
  type ContractHandlers,
  type Reply,
  type RequestOf,
} from '../../../src-shared/ipc/contract.js';

/**
 * Who sent a request, by the transport it came over: the desktop app's main process (the
 * Electron port; the shell checked the sender and vouched for local paths), the browser UI of the
 * headless mode (the WebSocket), or a command on this computer (in process, or over the
 * daemon's control socket).
 */
export type Caller = 'desktop' | 'browser' | 'command';

/**
 * Channels only some callers may use, with the sentence the others get. `files:import` copies
 * local paths into the synced folder, from where every device receives them: only paths the
 * desktop shell vouched for (dropped or picked in its window, shell/vouchedPaths.ts) may be
 * copied; the browser uploads the bytes instead, and a command has `upload`.
 */
const ONLY_FOR: {
  readonly [C in Channel]?: { readonly callers: readonly Caller[]; readonly why: string };
} = {
  'files:import': {
    callers: ['desktop'],
    why: 'copying files from this computer’s disk is only for files dropped or picked in the desktop app; upload the files instead',
  },
};

/**
 * One request from any transport (Electron port, WebSocket, control socket, in process):
 * validated against the contract and the caller's rights, run by its handler, and answered as a
 * value. Never throws: a bad request or a failing handler becomes `{ ok: false, error }`.
 */
export async function dispatchRequest(
  handlers: ContractHandlers,
  channel: unknown,
  payload: unknown,
  caller: Caller,
): Promise<Reply<unknown>> {
  const parsed = parseRequest(channel, payload);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const rule = ONLY_FOR[parsed.channel];
  if (rule && !rule.callers.includes(caller))
    return {
      ok: false,
      error: { code: 'AccessDenied', message: `${parsed.channel}: ${rule.why}`, field: 'channel' },
    };
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
