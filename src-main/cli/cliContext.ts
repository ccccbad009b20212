import type { HubResolver } from '../core/app/deviceHost.js';
import type { Logger } from '../core/log.js';

/** What every command is given: where it prints, the environment (read at the edge), a logger. */
export interface CliContext {
  readonly out: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** The command's logger (on stderr), created on first use. */
  readonly logger: () => Promise<Logger>;
}

/**
 * The hub a device opened by this command uses: its config.json's, and nothing else (an
 * environment, or a `.env` a peer synced, must not send a device's files to another hub).
 * Loaded when a command opens the device itself: `status` answered by a daemon needs none of it.
 */
export const hubResolver: HubResolver = async (config, dataDir) =>
  (await import('../core/app/deviceHost.js')).hubFromConfig(config, dataDir);
