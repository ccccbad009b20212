import {
  PUSH_CHANNELS,
  type Channel,
  type ContractClient,
  type PushMessage,
  type Reply,
  type RequestOf,
  type ResponseOf,
} from '../../src-shared/ipc/contract.js';
import type { NetGuardianBridge } from '../global.js';
import { RemoteError } from './remoteError.js';
import type { RendererTransport, Uploader } from './types.js';

const PUSHES: readonly string[] = PUSH_CHANNELS;

/** Pushes come from our own main process; this only guards against a mismatched preload. */
export function isPushMessage(message: unknown): message is PushMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    'channel' in message &&
    typeof message.channel === 'string' &&
    PUSHES.includes(message.channel) &&
    'payload' in message
  );
}

export function unwrapReply<T>(reply: Reply<unknown>): T {
  if (reply.ok) return reply.value as T;
  throw new RemoteError(reply.error);
}

export function createElectronClient(bridge: NetGuardianBridge): ContractClient {
  return {
    async call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
      return unwrapReply<ResponseOf<C>>(await bridge.call(channel, payload));
    },
    listen(listener) {
      return bridge.listen((message) => {
        if (isPushMessage(message)) listener(message);
      });
    },
  };
}

/**
 * In Electron the core copies the dropped files itself (`files:import` with their absolute
 * paths), folders included; progress arrives as `import:progress` pushes, which the store mirrors.
 */
function electronUploader(bridge: NetGuardianBridge, client: ContractClient): Uploader {
  return async (drop, targetDir) => {
    const paths = drop.files.map((file) => bridge.pathForFile(file)).filter((path) => path !== '');
    if (paths.length === 0)
      throw new RemoteError({
        code: 'InvalidArgument',
        message: 'Nothing to copy: drop files or folders from your computer.',
      });
    return client.call('files:import', { paths, targetDir });
  };
}

export function createElectronTransport(bridge: NetGuardianBridge): RendererTransport {
  const client = createElectronClient(bridge);
  return {
    kind: 'electron',
    client,
    upload: electronUploader(bridge, client),
    pick: (folders, targetDir) => client.call('files:pick', { folders, targetDir }),
    // The preload is in-process: there is no connection to lose.
    connection: () => 'online',
    onConnectionChange: () => () => {},
  };
}
