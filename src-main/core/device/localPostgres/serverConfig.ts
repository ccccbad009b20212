import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { ServerEndpoint } from './endpoint.js';

/**
 * The device server's settings, in one place. They are written to `SETTINGS_FILE` in the
 * cluster on every start (the cluster's postgresql.conf includes it, last), so an upgrade of
 * NetGuardian changes them without touching the cluster, and paths with spaces or quotes need
 * no shell quoting.
 */
export const DEVICE_SERVER_SETTINGS: Readonly<Record<string, string>> = {
  // Durability, the reason this server exists: PGlite under Node never calls fsync, so a power
  // loss could lose committed transactions. A commit returns once its WAL is on disk.
  fsync: 'on',
  synchronous_commit: 'on',
  full_page_writes: 'on',
  // Memory: a device store is tens of MiB and its files sit in the OS page cache anyway; the
  // default 128MB of shared buffers would be mostly empty (PGlite's setting is the same 16MB).
  shared_buffers: '16MB',
  // One device process with a small pool, LISTEN connections and a few tools; every allowed
  // connection costs shared memory.
  max_connections: '20',
  // No replicas or archive: minimal WAL, and no WAL sender or logical replication processes.
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_logical_replication_workers: '0',
  // Keeps the WAL a device keeps on disk small (defaults: 80MB kept, up to 1GB between
  // checkpoints). The server keeps about max_wal_size of WAL after a large write for good (an
  // idle server skips its checkpoints, so nothing recycles it). A first scan of 100,000 files:
  // at 256MB the store was 595 MiB on disk, 257 of them WAL; at 64MB, 403 MiB with 65 of WAL
  // (scan 31.6 / 29.0 s against 35.3 / 21.8 s, loaded machine); at 32MB (the least: two 16MB
  // segments) 33 MiB of WAL and the scan 29.1 s against 31.2 s at 64MB, same session.
  min_wal_size: '32MB',
  max_wal_size: '32MB',
  // Reads run synchronously in the backend: PostgreSQL 18's default starts three I/O worker
  // processes, which a store this small gains nothing from.
  io_method: 'sync',
  // Our statements are short; JIT compilation would cost more than it saves (see pgClient.ts).
  jit: 'off',
  // The log is stderr, a file in the data dir the server holds open (so it outlives its owner).
  // Warnings and errors only, no line per checkpoint, so it stays small between starts.
  log_destination: 'stderr',
  logging_collector: 'off',
  log_min_messages: 'warning',
  log_checkpoints: 'off',
};

export const SETTINGS_FILE = 'netguardian.conf';

/** Appended once to the cluster's postgresql.conf after initdb. Relative: the cluster may move. */
export const INCLUDE_SETTINGS_LINE = `include = '${SETTINGS_FILE}'`;

const hasControlChar = (text: string) =>
  [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * A value as a postgresql.conf string: single quotes doubled, and backslashes doubled (the
 * config lexer reads backslash escapes inside quotes).
 */
export function quoteConfValue(value: string): string {
  if (hasControlChar(value))
    throw new NetGuardianError(
      'InvalidArgument',
      `a PostgreSQL setting cannot hold control characters: ${JSON.stringify(value)}`,
    );
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** One folder of a list setting (`unix_socket_directories`): double-quoted, so commas and spaces are safe. */
export const quoteListElement = (item: string): string => `"${item.replace(/"/g, '""')}"`;

/** Settings that depend on where the server listens. */
export function endpointSettings(endpoint: ServerEndpoint): Record<string, string> {
  switch (endpoint.kind) {
    case 'socket':
      return {
        listen_addresses: '', // no TCP
        port: String(endpoint.port),
        unix_socket_directories: quoteListElement(endpoint.dir),
        unix_socket_permissions: '0700',
      };
    case 'tcp':
      return {
        listen_addresses: endpoint.host,
        port: String(endpoint.port),
        unix_socket_directories: '',
      };
    default: {
      const never: never = endpoint;
      throw new Error(`unknown endpoint ${JSON.stringify(never)}`);
    }
  }
}

export function renderSettingsFile(endpoint: ServerEndpoint): string {
  const settings = { ...DEVICE_SERVER_SETTINGS, ...endpointSettings(endpoint) };
  return [
    '# Written by NetGuardian on every start of this device server; edits are overwritten.',
    ...Object.entries(settings).map(([key, value]) => `${key} = ${quoteConfValue(value)}`),
    '',
  ].join('\n');
}

/** Client authentication, also rewritten on every start: SCRAM passwords on the one endpoint. */
export function renderHbaFile(endpoint: ServerEndpoint): string {
  const rule =
    endpoint.kind === 'socket'
      ? 'local all all scram-sha-256'
      : `host all all ${endpoint.host}/32 scram-sha-256`;
  return ['# Written by NetGuardian on every start; edits are overwritten.', rule, ''].join('\n');
}
