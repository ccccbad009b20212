import type { ErrorInfo } from '../../src-shared/errors.js';

/**
 * A failure the core reported (`{ ok: false, error }`) or the transport ran into. The message is
 * already plain words meant for the user, so screens show `error.message` as is.
 */
export class RemoteError extends Error {
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'RemoteError';
    this.info = info;
  }
}

/** A transport failure (offline, timeout) in the same shape as a core error. */
export const transportError = (message: string): RemoteError =>
  new RemoteError({ code: 'StoreError', message });

/** The sentence to show for anything a call rejected with. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  if (typeof error === 'string' && error !== '') return error;
  return 'Something went wrong.';
}
