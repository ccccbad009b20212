import { build, type BuildOptions, type Metafile } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** scripts/build-electron.mjs, typed as far as these tests use it. */
interface BuildScript {
  OUT_DIR: string;
  electronBuilds(outDir?: string): Record<'main' | 'core' | 'preload', BuildOptions>;
  externalImports(metafile: Metafile): string[];
  findMigrations(dir: string): string | null;
}
const scriptPath: string = './build-electron.mjs';
const script = (await import(scriptPath)) as BuildScript;
const root = path.resolve(import.meta.dirname, '..');

describe('build:electron', () => {
  it('bundles the sandboxed preload into one CommonJS file that requires only electron', async () => {
    const result = await build({
      ...script.electronBuilds().preload,
      write: false,
      sourcemap: false,
    });
    expect(script.externalImports(result.metafile as Metafile)).toEqual(['electron']);
    const [bundle] = result.outputFiles ?? [];
    expect(bundle?.path.endsWith(path.join('dist', 'electron', 'preload.cjs'))).toBe(true);
    const text = bundle?.text ?? '';
    // Only the channel names travel in the preload: no zod, no schemas, no ipcRenderer exposed.
    expect(text).not.toMatch(/zod|safeParse|strictObject/);
    expect(text.match(/require\("[^"]+"\)/g)).toEqual(['require("electron")']);
    expect(text).toContain('exposeInMainWorld("netguardian"');
    // The bundle includes only our preload sources.
    expect(Object.keys(result.metafile?.inputs ?? {}).sort()).toEqual([
      'src-main/preload/bridge.ts',
      'src-main/preload/channels.ts',
      'src-main/preload/preload.ts',
    ]);
  });

  it('builds main and core as ESM that load npm packages from node_modules', () => {
    const { main, core } = script.electronBuilds();
    for (const options of [main, core])
      expect(options).toMatchObject({ format: 'esm', platform: 'node', packages: 'external' });
    expect(main.outfile).toBe(path.join('dist', 'electron', 'main.js'));
    expect(core.outfile).toBe(path.join('dist', 'electron', 'coreProcess.js'));
  });

  it('finds migrations/ from the bundle directory the way migrate.ts does', () => {
    expect(script.findMigrations(path.join(root, script.OUT_DIR))).toBe(
      path.join(root, 'migrations'),
    );
    expect(script.findMigrations('/')).toBeNull();
  });
});
