import { errorInWords, isRawFailure } from '../../src-shared/errorWords.js';
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

/**
 * The sentence to show for anything a call rejected with. The core's own refusals are its
 * sentences, shown as they are; a failure in the system's words (a socket's or a file's code)
 * reads as the catalogue says it (src-shared/errorWords.ts), as the tray and the CLI say it.
 */
export function messageOf(error: unknown): string {
  const failure = error instanceof RemoteError ? error.info : error;
  if (isRawFailure(failure)) return errorInWords(failure);
  if (error instanceof Error && error.message !== '') return error.message;
  if (typeof error === 'string' && error !== '') return error;
  return 'Something went wrong.';
}
