import type { Channel } from '../../src-shared/ipc/contract.js';

/**
 * The request channels the preload lets the renderer call, as plain strings.
 *
 * Why a copy of the contract's CHANNELS: the sandboxed preload is bundled into one small
 * CommonJS file, and importing the contract's values would pull zod and every schema into
 * it. `satisfies` keeps each name a real channel, and `bridge.unit.test.ts` checks
 * that the list is exactly the contract's, so adding a channel there fails the test until it
 * is added here.
 */
export const BRIDGE_CHANNELS = [
  'state:get',
  'device:status',
  'files:unsyncable',
  'files:list',
  'conflicts:list',
  'conflicts:content',
  'conflicts:resolve',
  'history:get',
  'history:restore',
  'history:restoreDeleted',
  'devices:list',
  'devices:remove',
  'activity:list',
  'settings:get',
  'settings:update',
  'hub:test',
  'hub:join',
  'hub:leave',
  'hub:create',
  'hub:invite',
  'sync:now',
  'sync:run',
  'sync:pause',
  'files:import',
  'folder:move',
  'folder:open',
  'folder:attach',
  'trash:list',
  'trash:empty',
  'files:pick',
  'files:open',
  'files:rename',
  'files:trash',
  'trash:restore',
] as const satisfies readonly Channel[];

/** The same two names as the contract's IPC_REQUEST_CHANNEL / IPC_PUSH_CHANNEL (tested). */
export const BRIDGE_REQUEST_CHANNEL = 'netguardian:request';
export const BRIDGE_PUSH_CHANNEL = 'netguardian:push';

/**
 * Where the preload tells the main process a path it resolved from a dropped or picked file
 * (`webUtils.getPathForFile`): the main process imports only such paths (shell/vouchedPaths.ts).
 * Page script can't forge one: it can only hand the preload File objects, and a File it made
 * itself has no path.
 */
export const BRIDGE_VOUCH_CHANNEL = 'netguardian:vouch-path';
