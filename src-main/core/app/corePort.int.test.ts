import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { PushMessage } from '../../../src-shared/ipc/contract.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { writeDeviceConfig } from '../deviceConfig.js';
import { connectCoreOverPort, type PortLike } from './corePort.js';

/**
 * The core in a child process, as Electron's utility process runs it, here with
 * node's child_process.fork: requests round-trip, the core re-validates them,
 * pushes arrive, and `close()` lets the process shut down by itself.
 */

const entry = fileURLToPath(new URL('./coreProcess.ts', import.meta.url));

let dir: TempDir;
let folder: string;
let child: ChildProcess;
let port: PortLike;
let client: ReturnType<typeof connectCoreOverPort>;
const pushes: PushMessage[] = [];

const portOfChild = (c: ChildProcess): PortLike => ({
  postMessage: (m) => {
    c.send(m as object);
  },
  onMessage(listener) {
    c.on('message', listener);
    return () => c.off('message', listener);
  },
});

beforeAll(async () => {
  dir = await makeTempDir('ng-core-port-');
  folder = path.join(dir.path, 'folder');
  await mkdir(folder);
  await writeDeviceConfig(path.join(dir.path, 'data'), {
    version: 1,
    folder,
    spaceId: 'default',
    deviceName: 'forked',
    hub: null,
    syncIntervalMs: 60_000,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  });
  child = fork(entry, ['--data', path.join(dir.path, 'data')], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  port = portOfChild(child);
  client = connectCoreOverPort(port);
  client.listen((m) => pushes.push(m));
});

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await dir.cleanup();
});

describe('the core over a port (child_process.fork)', () => {
  it('answers a request sent while the device was still opening', async () => {
    const state = await client.call('state:get', {});
    expect(state).toMatchObject({ deviceName: 'forked', hub: null });
    expect(state.folder).toBe(folder);
  });

  it('refuses a malformed request with InvalidArgument naming the field', async () => {
    // The client is typed; a UI bug or a hostile renderer is not: bypass the types.
    const call = client.call.bind(client) as (
      channel: string,
      payload: unknown,
    ) => Promise<unknown>;
    const error = await call('files:list', { query: '', offset: 0, limit: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetGuardianError);
    expect(error).toMatchObject({ code: 'InvalidArgument', field: 'limit' });
    const unknown = await call('files:delete', {}).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'InvalidArgument', field: 'channel' });
    // A raw message with a bad shape but a usable id is answered, not dropped.
    const answered = new Promise<unknown>((resolve) => {
      const off = port.onMessage((m) => {
        if ((m as { id?: unknown }).id === 424242) {
          off();
          resolve(m);
        }
      });
    });
    port.postMessage({ type: 'request', id: 424242, payload: {}, extra: true, channel: 7 });
    expect(await answered).toMatchObject({
      ok: false,
      error: { code: 'InvalidArgument', field: 'channel' },
    });
  });

  it('pushes files:changed when a file appears in the folder, and lists it', async () => {
    await client.call('state:get', {});
    await writeFile(path.join(folder, 'hello.txt'), 'hello');
    // The push and the listing race: the file can be listed before the push is received.
    const pushed = new Promise<void>((resolve) => {
      if (pushes.some((m) => m.channel === 'files:changed')) return resolve();
      client.listen((m) => {
        if (m.channel === 'files:changed') resolve();
      });
    });
    const page = await new Promise<{ total: number }>((resolve) => {
      const check = () =>
        void client.call('files:list', { query: '', offset: 0, limit: 10 }).then((p) => {
          if (p.total === 1) resolve(p);
        });
      client.listen((m) => {
        if (m.channel === 'files:changed') check();
      });
      check();
    });
    expect(page.total).toBe(1);
    await pushed;
    expect(pushes.some((m) => m.channel === 'files:changed')).toBe(true);
    // The state push follows the change, throttled: it may come after the file is listed.
    await new Promise<void>((resolve) => {
      if (pushes.some((m) => m.channel === 'state')) return resolve();
      client.listen((m) => {
        if (m.channel === 'state') resolve();
      });
    });
  });

  it('shuts the process down cleanly when the client closes', async () => {
    const exited = once(child, 'exit');
    client.close();
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    await expect(client.call('state:get', {})).rejects.toThrow(/closed/);
  });
});
