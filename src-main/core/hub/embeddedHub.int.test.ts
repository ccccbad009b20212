import { createHash } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { PgChunkStore } from '../files/chunkStore.js';
import { openPgClient } from '../store/pgClient.js';
import { startEmbeddedHub, type EmbeddedHub } from './embeddedHub.js';
import { addDevice, listDevices } from './hubAdmin.js';
import { openHubAsDevice } from './hubSchema.js';

/** A free loopback port (another process could take it before the server binds; unlikely). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('startEmbeddedHub', () => {
  let dir: TempDir;
  let hub: EmbeddedHub | undefined;

  beforeAll(async () => {
    dir = await makeTempDir('netguardian-hub-');
    // As root the server runs as `postgres`, which must be able to enter the folder.
    await chmod(dir.path, 0o755);
  });
  afterAll(async () => {
    await hub?.stop();
    await dir.cleanup();
  });

  it('creates a persistent hub, and a restart on the same folder keeps its data and credentials', async () => {
    const dataDir = join(dir.path, 'hub');
    const port = await freePort();
    hub = await startEmbeddedHub({ dataDir, port });
    expect(hub.created).toBe(true);
    expect(new URL(hub.adminUrl).hostname).toBe('127.0.0.1');
    expect(new URL(hub.adminUrl).pathname).toBe('/netguardian');
    expect((await stat(join(dataDir, 'hub.json'))).mode & 0o077).toBe(0);
    // The WAL it keeps after a burst of writes is bounded (not PostgreSQL's 1GB default).
    const admin = await openPgClient({ connectionString: hub.adminUrl });
    try {
      const wal = await admin.query<{ max: string; min: string }>(
        `SELECT current_setting('max_wal_size') AS max, current_setting('min_wal_size') AS min`,
      );
      expect(wal).toEqual([{ max: '128MB', min: '32MB' }]);
    } finally {
      await admin.close();
    }

    // A device of the fresh hub writes a chunk through its own role (password checked: SCRAM).
    const device = await addDevice(hub.adminUrl, { spaceId: 'photos', deviceName: 'camera' });
    const store = await openHubAsDevice({
      connectionString: device.connectionString,
      spaceId: 'photos',
    });
    const data = new TextEncoder().encode('kept across restarts');
    const hash = createHash('sha256').update(data).digest('hex');
    await new PgChunkStore(store.client).put('photos', [{ hash, data }]);
    await store.close();
    const wrong = new URL(device.connectionString);
    wrong.password = 'not-the-password';
    await expect(openPgClient({ connectionString: wrong.toString() })).rejects.toThrow(
      /password authentication failed/,
    );

    await hub.stop();
    await expect(openPgClient({ connectionString: hub.adminUrl })).rejects.toThrow();
    const firstAdminUrl = hub.adminUrl;
    const hubFile = await readFile(join(dataDir, 'hub.json'), 'utf8');

    hub = await startEmbeddedHub({ dataDir, port });
    expect(hub.created).toBe(false);
    expect(hub.adminUrl).toBe(firstAdminUrl);
    expect(await readFile(join(dataDir, 'hub.json'), 'utf8')).toBe(hubFile);
    expect((await listDevices(hub.adminUrl)).map((d) => [d.role, d.spaces])).toEqual([
      [device.role, ['photos']],
    ]);
    const again = await openHubAsDevice({
      connectionString: device.connectionString,
      spaceId: 'photos',
    });
    try {
      const got = await new PgChunkStore(again.client).getChunks('photos', [hash]);
      expect(new TextDecoder().decode(got.get(hash))).toBe('kept across restarts');
    } finally {
      await again.close();
    }
  });

  it('refuses a port already in use, saying so, with the server log', async () => {
    if (!hub) throw new Error('the first test starts the hub');
    const error = await startEmbeddedHub({
      dataDir: join(dir.path, 'other'),
      port: hub.port,
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const port = hub.port;
    expect(error?.message).toMatch(new RegExp(`^port ${port} is already in use`));
    expect(error?.message).toContain('Address already in use');
  });
});
