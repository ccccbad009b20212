import { z } from 'zod';
import type { ErrorInfo } from '../../../../src-shared/errors.js';
import {
  wireClientMessageSchema,
  type WireServerMessage,
} from '../../../../src-shared/ipc/contract.js';

/**
 * The control channel's wire format: newline-delimited JSON, one message per
 * line, with the headless WebSocket's envelopes (contract.ts "Envelopes"):
 *
 *   client → owner  { type: 'request', id, channel, payload }
 *                   { type: 'subscribe' } | { type: 'unsubscribe' }   (pushes on/off, no reply)
 *                   { type: 'upload', id, path, size }   only as the first line of a connection,
 *                                                        followed by exactly `size` raw bytes
 *   owner → client  { type: 'response', id, ok: true, value } | { ..., ok: false, error }
 *                   { type: 'push', channel, payload }   only after `subscribe`
 *
 * A connection's lines are handled in order: a request sent after `subscribe`
 * sees the pushes it causes. JSON never holds a raw newline (JSON.stringify
 * escapes it), so a line is always a whole message. A response with id 0 is about
 * the connection itself (clients number their requests from 1): refused, line
 * too long, a line that was not even a message.
 */

export const uploadHeaderSchema = z.strictObject({
  type: z.literal('upload'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Checked fully by receiveUpload (path rules, the folder's bounds). */
  path: z.string().min(1).max(4096),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  wireClientMessageSchema,
  z.strictObject({ type: z.literal('subscribe') }),
  z.strictObject({ type: z.literal('unsubscribe') }),
  uploadHeaderSchema,
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type UploadHeader = z.infer<typeof uploadHeaderSchema>;

export type ParsedLine =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly id: number; readonly error: ErrorInfo };

/** One line from a client; a failure carries the line's id when it had a usable one, else 0. */
export function parseClientLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return invalid(0, 'malformed message: the line is not JSON', 'message');
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
  const rawId = (json as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0 ? rawId : 0;
  return invalid(id, `malformed message: ${where}: ${issue?.message ?? 'invalid'}`, where);
}

const invalid = (id: number, message: string, field: string): ParsedLine => ({
  ok: false,
  id,
  error: { code: 'InvalidArgument', message, field },
});

export { encodeLine } from './lineCodec.js';

export const errorResponse = (id: number, error: ErrorInfo): WireServerMessage => ({
  type: 'response',
  id,
  ok: false,
  error,
});
