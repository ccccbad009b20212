import pino, { type Logger } from 'pino';
import { logLine } from './logLines.js';

export type { Logger };

/**
 * A named logger per module. The core never reads the environment: the edge
 * (CLI, app) passes a root logger down; without one, the core is silent.
 */
export function createRootLogger(
  options: { level?: string; format?: 'text' | 'json' } = {},
): Logger {
  // On stderr: stdout carries a command's answer (`status --json` must stay parseable). Lines a
  // person reads by default; JSON records for programs that parse the log.
  const destination =
    options.format === 'json'
      ? pino.destination(2)
      : { write: (record: string) => process.stderr.write(logLine(record)) };
  return pino({ level: options.level ?? 'info', base: undefined }, destination);
}

export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * A module's logger under `parent`. A parent that names a module already gets the name as `part`
 * (`"module":"owner","part":"staleTemps"`): pino writes a child's bindings after its parent's, so
 * a second `module` would make the record carry the key twice, which JSON parsers read as the last.
 */
export const childLogger = (parent: Logger | undefined, module: string): Logger => {
  const base = parent ?? silentLogger;
  return base.child('module' in base.bindings() ? { part: module } : { module });
};
