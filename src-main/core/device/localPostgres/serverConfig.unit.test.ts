import { describe, expect, it } from 'vitest';
import { parsePostmasterPid } from './postmasterPid.js';
import { quoteConfValue, renderHbaFile, renderSettingsFile } from './serverConfig.js';

describe('the device server settings file', () => {
  it('quotes values for postgresql.conf: quotes and backslashes doubled', () => {
    expect(quoteConfValue('on')).toBe("'on'");
    expect(quoteConfValue('')).toBe("''");
    expect(quoteConfValue(`a b's \\x`)).toBe(`'a b''s \\\\x'`);
    expect(() => quoteConfValue('a\nb')).toThrow(/control characters/);
  });

  it('listens on a private socket folder only, durable, with a folder name of any shape', () => {
    const text = renderSettingsFile({ kind: 'socket', dir: `/data/my "dev", 2's`, port: 5432 });
    const lines = text.split('\n');
    for (const line of [
      "fsync = 'on'",
      "synchronous_commit = 'on'",
      "full_page_writes = 'on'",
      "wal_level = 'minimal'",
      "max_wal_senders = '0'",
      "shared_buffers = '16MB'",
      "max_connections = '20'",
      "jit = 'off'",
      "listen_addresses = ''",
      "port = '5432'",
      `unix_socket_directories = '"/data/my ""dev"", 2''s"'`,
      "unix_socket_permissions = '0700'",
    ])
      expect(lines).toContain(line);
    expect(renderHbaFile({ kind: 'socket', dir: '/x', port: 5432 })).toContain(
      '\nlocal all all scram-sha-256\n',
    );
  });

  it('on Windows, listens on loopback TCP with no socket', () => {
    const endpoint = { kind: 'tcp', host: '127.0.0.1', port: 54123 } as const;
    const lines = renderSettingsFile(endpoint).split('\n');
    expect(lines).toContain("listen_addresses = '127.0.0.1'");
    expect(lines).toContain("port = '54123'");
    expect(lines).toContain("unix_socket_directories = ''");
    expect(renderHbaFile(endpoint)).toContain('\nhost all all 127.0.0.1/32 scram-sha-256\n');
  });
});

describe('postmaster.pid', () => {
  it('reads the pid, the data dir, the port, the socket folder and the status line', () => {
    const text =
      '4242\n/var/lib/pg data\n1764870000\n5432\n/run/x\n\n  1234567   98765\nready   \n';
    expect(parsePostmasterPid(text)).toEqual({
      pid: 4242,
      standalone: false,
      dataDir: '/var/lib/pg data',
      status: 'ready',
      port: 5432,
      socketDir: '/run/x',
    });
  });

  it('knows a single-user backend by its negative pid, and a file still being written', () => {
    expect(parsePostmasterPid('-77\n/d\n')).toEqual({
      pid: 77,
      standalone: true,
      dataDir: '/d',
      status: undefined,
      port: undefined,
      socketDir: undefined,
    });
    expect(parsePostmasterPid('')).toBeUndefined();
    expect(parsePostmasterPid('garbage\n')).toBeUndefined();
  });
});
