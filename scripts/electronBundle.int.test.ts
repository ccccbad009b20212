import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { connectCoreOverPort } from '../src-main/core/app/corePort.js';
import { writeDeviceConfig } from '../src-main/core/deviceConfig.js';
import { coreArgs } from '../src-main/shell/coreHost.js';
import { firstRunConfig } from '../src-main/shell/firstRun.js';

/**
 * The bundled core process, as build:electron emits it, runs: its npm imports resolve from
 * node_modules, it finds migrations/ from the bundle's directory, opens a real PGlite device
 * and answers the contract. It is forked with plain Node here (coreProcess.ts serves
 * `process.send` as well as Electron's parentPort), since the Electron runtime is not
 * available to tests.
 */
interface BuildScript {
  electronBuilds(outDir?: string): Record<'main' | 'core' | 'preload', BuildOptions>;
}
const scriptPath: string = './build-electron.mjs';
const script = (await import(scriptPath)) as BuildScript;
const root = path.resolve(import.meta.dirname, '..');
// Beside dist/electron, so the walk up to migrations/ is the same as from the real bundle.
const outDir = path.join('dist', `electron-test-${process.pid}`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ng-bundle-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill();
  rmSync(path.join(root, outDir), { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('the bundled core process', () => {
  it('opens a device from a first-run config and answers over its port, then exits on close', async () => {
    const builds = script.electronBuilds(outDir);
    await build({ ...builds.core, sourcemap: false });
    await build({ ...builds.main, sourcemap: false });

    const folder = path.join(tmp, 'folder');
    mkdirSync(folder);
    const dataDir = path.join(tmp, 'data');
    await writeDeviceConfig(
      dataDir,
      firstRunConfig({ folder, hub: { kind: 'local' } }, 'bundle-test'),
    );
    const proc = fork(path.join(root, outDir, 'coreProcess.js'), coreArgs(dataDir), {
      stdio: 'ignore',
    });
    child = proc;
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    const client = connectCoreOverPort({
      postMessage: (message) => proc.send(message as object),
      onMessage: (listener) => {
        proc.on('message', listener);
        return () => proc.off('message', listener);
      },
    });

    const settings = await client.call('settings:get', {});
    expect(settings).toMatchObject({ folder, deviceName: 'bundle-test', hub: null });
    const state = await client.call('state:get', {});
    expect(state.folder).toBe(folder);
    await expect(
      client.call('files:list', { query: '', offset: -1, limit: 1 }),
    ).rejects.toMatchObject({ code: 'InvalidArgument', field: 'offset' });

    client.close();
    expect(await exited).toBe(0);
  });
});
