import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * A named logger per module. The core never reads the environment: the edge
 * (CLI, app) passes a root logger down; without one, the core is silent.
 */
export function createRootLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  // On stderr: stdout carries a command's answer (`status --json` must stay parseable).
  return pino({ level: options.level ?? 'info', base: undefined }, pino.destination(2));
}

export const silentLogger: Logger = pino({ level: 'silent' });

export const childLogger = (parent: Logger | undefined, module: string): Logger =>
  (parent ?? silentLogger).child({ module });
