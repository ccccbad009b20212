import {
  IPC_PUSH_CHANNEL,
  IPC_REQUEST_CHANNEL,
  parseRequest,
  type Channel,
  type PushMessage,
  type Reply,
  type RequestOf,
} from '../../src-shared/ipc/contract.js';
import { ERROR_CODES, type ErrorInfo } from '../../src-shared/errors.js';
import { checkSender, type InvokeEventLike } from './senderCheck.js';
import type { ShellLog } from './shellLog.js';

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

/** The window the router serves; `null` while there is none (before creation, after quit). */
export interface RoutedWindow {
  readonly webContents: { send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean };
}

/** Where a validated request goes: the core client, possibly behind shell interceptors. */
export type Forward = (channel: Channel, payload: RequestOf<Channel>) => Promise<unknown>;

export interface IpcRouter {
  /** Sends a core push to our window only (never broadcast to every webContents). */
  push(message: PushMessage): void;
  dispose(): void;
}

/**
 * The one ipcMain handler: check the sender, parse the request with the shared schema, call
 * the core, answer a Reply. It never throws across IPC: Electron would turn a throw into an
 * opaque "Error invoking remote method" string and lose the error code.
 */
export function createIpcRouter(
  { ipcMain, log }: { ipcMain: IpcMainLike; log: ShellLog },
  { getWindow, forward }: { getWindow: () => RoutedWindow | null; forward: Forward },
): IpcRouter {
  ipcMain.handle(IPC_REQUEST_CHANNEL, async (event, channel, payload): Promise<Reply<unknown>> => {
    const verdict = checkSender(event, getWindow()?.webContents);
    if (!verdict.ok) {
      // Log the channel name only as a bounded string: the sender is untrusted.
      log.warn(
        { channel: String(channel).slice(0, 64), reason: verdict.reason },
        'refused IPC request',
      );
      return {
        ok: false,
        error: { code: 'AccessDenied', message: `request refused: ${verdict.reason}` },
      };
    }
    const request = parseRequest(channel, payload);
    if (!request.ok) {
      log.warn(
        { channel: String(channel).slice(0, 64), field: request.error.field },
        'bad request',
      );
      return { ok: false, error: request.error };
    }
    try {
      return { ok: true, value: await forward(request.channel, request.payload) };
    } catch (e) {
      const error = toErrorInfo(e);
      log.warn({ channel: request.channel, code: error.code }, 'request failed');
      return { ok: false, error };
    }
  });

  return {
    push(message) {
      const window = getWindow();
      if (window === null || window.webContents.isDestroyed()) return;
      window.webContents.send(IPC_PUSH_CHANNEL, message);
    },
    dispose() {
      ipcMain.removeHandler(IPC_REQUEST_CHANNEL);
    },
  };
}

const knownCodes: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * Errors from the core arrive as NetGuardianError or as `{ code, message }` (after crossing
 * the utility-process port); keep their code. Anything else is a bug or a crash: report it
 * as a store failure with its message, never a stack.
 */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (typeof e === 'object' && e !== null) {
    const { code, message, field } = e as { code?: unknown; message?: unknown; field?: unknown };
    if (typeof code === 'string' && knownCodes.has(code))
      return {
        code: code as ErrorInfo['code'],
        message: typeof message === 'string' ? message : code,
        ...(typeof field === 'string' ? { field } : {}),
      };
    if (typeof message === 'string') return { code: 'StoreError', message };
  }
  return { code: 'StoreError', message: String(e) };
}
