import os from 'node:os';
import path from 'node:path';

/**
 * Where a device keeps its store, trash and config unless told otherwise. A module of its own,
 * with nothing else imported, so the CLI's `--help` reads it without loading the core.
 */
export const defaultDataDir = (): string => path.join(os.homedir(), '.netguardian');
