import type { PushChannel } from './contract.js';

/**
 * The pushed channels' names (contract.ts `PushMap`), in a module of their own without zod, so a
 * client that only reads what an owner sends (the CLI talking to a running device) can check
 * names without loading the request schemas.
 */
export const PUSH_CHANNELS = [
  'state',
  'activity',
  'files:changed',
  'conflicts:changed',
  'import:progress',
  'folder:moveProgress',
] as const satisfies readonly PushChannel[];
