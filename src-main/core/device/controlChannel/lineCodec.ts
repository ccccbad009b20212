import { ERROR_CODES, type ErrorInfo } from '../../../../src-shared/errors.js';
import type { PushChannel, WireServerMessage } from '../../../../src-shared/ipc/contract.js';
import { PUSH_CHANNELS } from '../../../../src-shared/ipc/pushChannels.js';
import type { ClientMessage } from './wireFormat.js';

/**
 * Lines on the control channel, for both ends, without zod: a CLI command answered by a running
 * owner must start in well under 300 ms, and loading zod alone costs ~60 ms here. The owner
 * parses what clients send with the contract's schemas (`wireFormat.ts`); a client checks what
 * its owner sends by hand, here.
 */

export const encodeLine = (message: WireServerMessage | ClientMessage): string =>
  JSON.stringify(message) + '\n';

/** What a client accepts from the owner; anything else is ignored (undefined). */
export type ServerMessage =
  | {
      readonly type: 'response';
      readonly id: number;
      readonly ok: boolean;
      readonly value?: unknown;
      readonly error?: ErrorInfo;
    }
  | { readonly type: 'push'; readonly channel: PushChannel; readonly payload: unknown };

const codes: ReadonlySet<string> = new Set(ERROR_CODES);
const pushes: ReadonlySet<string> = new Set(PUSH_CHANNELS);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function errorInfo(v: unknown): ErrorInfo | undefined {
  if (!isRecord(v) || typeof v['code'] !== 'string' || !codes.has(v['code'])) return undefined;
  if (typeof v['message'] !== 'string') return undefined;
  const field = v['field'];
  if (field !== undefined && typeof field !== 'string') return undefined;
  return {
    code: v['code'] as ErrorInfo['code'],
    message: v['message'],
    ...(field === undefined ? {} : { field }),
  };
}

export function parseServerMessage(json: unknown): ServerMessage | undefined {
  if (!isRecord(json)) return undefined;
  if (json['type'] === 'push') {
    const channel = json['channel'];
    if (typeof channel !== 'string' || !pushes.has(channel)) return undefined;
    return { type: 'push', channel: channel as PushChannel, payload: json['payload'] };
  }
  if (json['type'] !== 'response') return undefined;
  const { id, ok } = json;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || typeof ok !== 'boolean')
    return undefined;
  if (ok) return { type: 'response', id, ok, value: json['value'] };
  const error = errorInfo(json['error']);
  return error === undefined ? undefined : { type: 'response', id, ok, error };
}
