/**
 * Test support for the control channel tests: a small but real `ControlService`. A few channels
 * have real handlers, uploads go through the real `receiveUpload` into `folder`, and every other
 * channel answers NotFound (the contract demands a handler for each).
 */
import { NetGuardianError } from '../../../../src-shared/errors.js';
import {
  CHANNELS,
  type AppState,
  type Channel,
  type ContractHandlers,
  type HistoryEntry,
  type PushMessage,
} from '../../../../src-shared/ipc/contract.js';
import { receiveUpload } from '../../app/receiveUpload.js';
import type { ControlService } from './controlService.js';

export const TEST_STATE: AppState = {
  phase: 'synced',
  headline: 'Synced',
  detail: 'All files are saved on this device (no hub set up).',
  deviceName: 'control-test',
  folder: '/nowhere',
  hub: null,
  lastSyncAt: null,
  files: 0,
  folders: 0,
  conflicts: 0,
  pending: { upload: 0, download: 0, noticed: 0 },
  unsyncable: 0,
  progress: { scan: null, upload: null, download: null },
  lastError: null,
  paused: false,
};

export interface TestService extends ControlService {
  /** Sends a push to every subscriber, as the app does when something changes. */
  emit(message: PushMessage): void;
}

export interface TestServiceOptions {
  /** Where uploads land. */
  readonly folder: string;
  /** Called when `sync:now` arrives; that request is never answered. */
  readonly onHang?: () => void;
  /** Called when an upload has finished on the owner's side, stored or cleaned up. */
  readonly onUploadDone?: (ok: boolean) => void;
}

export function createTestService(options: TestServiceOptions): TestService {
  const listeners = new Set<(message: PushMessage) => void>();
  const emit = (message: PushMessage) => {
    for (const listener of listeners) listener(message);
  };
  // Every channel answers NotFound unless given a real handler below: the transport doesn't
  // care which, and the set of channels may grow.
  const notServed: ContractHandlers = Object.fromEntries(
    CHANNELS.map((channel: Channel) => [
      channel,
      () =>
        Promise.reject(
          new NetGuardianError('NotFound', `${channel} is not served by the test service`),
        ),
    ]),
  ) as Record<Channel, () => Promise<never>>;

  return {
    ...notServed,
    emit,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async receiveUpload(relPath, body, size) {
      const ctx = { root: options.folder, record: () => Promise.resolve(), onProgress: () => {} };
      let ok = false;
      try {
        const result = await receiveUpload(ctx, relPath, body, size);
        ok = true;
        return result;
      } finally {
        options.onUploadDone?.(ok);
      }
    },

    'state:get': () => Promise.resolve(TEST_STATE),
    'history:get': ({ path }) => {
      const entry: HistoryEntry = {
        eventId: `v-${path}`,
        device: 'control-test',
        changedAt: 1,
        size: path.length,
        hash: null,
        deleted: false,
        current: true,
      };
      return Promise.resolve([entry]);
    },
    'sync:pause': ({ paused }) => {
      emit({ channel: 'state', payload: { ...TEST_STATE, paused } });
      return Promise.resolve({ paused });
    },
    'sync:now': () => {
      options.onHang?.();
      return new Promise<never>(() => undefined);
    },
    'hub:test': () =>
      Promise.reject(new NetGuardianError('HubUnreachable', 'nothing answers at the hub')),
  };
}
