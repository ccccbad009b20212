import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * The packaging inputs that can be checked without the Electron runtime (which this machine
 * cannot download): electron-builder.yml as electron-builder itself loads and validates it,
 * and the committed icons.
 */
const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));

type Config = Record<string, unknown>;
const builderConfig = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>;
  validateConfiguration(config: Config, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};
const validate = (config: Config) =>
  builderConfig.validateConfiguration(structuredClone(config), new DebugLogger(false));

// Loading electron-builder and compiling its 360 KB schema takes seconds on a busy machine.
describe('electron-builder.yml', { timeout: 30_000 }, () => {
  it("passes electron-builder's own schema validation", async () => {
    const config = await builderConfig.getConfig(root, null, null);
    await expect(validate(config)).resolves.toBeUndefined();
    expect(config).toMatchObject({
      appId: 'org.netguardian.desktop',
      productName: 'NetGuardian',
      directories: { output: 'release', buildResources: 'build' },
      extraMetadata: { main: 'dist/electron/main.js' },
      linux: { target: ['AppImage', 'deb'], category: 'Utility' },
      mac: { target: ['dmg'] },
      win: { target: ['nsis'] },
      nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
      electronFuses: { runAsNode: false, onlyLoadAppFromAsar: true },
    });
    // electron-builder normalizes `files` to [{ filter: [...] }].
    const [files] = config['files'] as Array<{ filter: string[] }>;
    expect(files?.filter).toEqual(
      expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'migrations/**']),
    );
  });

  it('would catch an unknown key (the validation can fail)', async () => {
    const config = await builderConfig.getConfig(root, null, null);
    await expect(validate({ ...config, linxu: { target: ['deb'] } })).rejects.toThrow(/linxu/);
    await expect(validate({ ...config, nsis: { oneClik: false } })).rejects.toThrow(
      /configuration\.nsis/,
    );
  });
});

/** Width, height, colour type and decoded RGBA rows of a PNG. */
function readPng(file: string) {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const colourType = bytes[25];
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString('ascii', at + 4, at + 8) === 'IDAT')
      idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return { width, height, colourType, raw };
}

describe('icons', () => {
  // The tray icons only: drawing the 512 px app icon takes seconds (its size is checked below).
  it('the tray icons are exactly what scripts/make-icons.mjs draws (reproducible)', async () => {
    const scriptPath: string = './make-icons.mjs';
    const { iconFiles } = (await import(scriptPath)) as {
      iconFiles: (options: { appIcon: boolean }) => Map<string, Buffer>;
    };
    const files = iconFiles({ appIcon: false });
    expect(files.size).toBe(24);
    for (const [relative, bytes] of files)
      expect(readFileSync(path.join(root, relative)).equals(bytes), relative).toBe(true);
  });

  it('build/icon.png is a 512×512 RGBA image', () => {
    const png = readPng(path.join(root, 'build', 'icon.png'));
    expect(png).toMatchObject({ width: 512, height: 512, colourType: 6 });
    expect(png.raw.length).toBe(512 * (512 * 4 + 1));
  });

  const states = ['synced', 'syncing', 'conflicts', 'offline', 'error', 'paused'];
  const variants: Array<[string, number]> = [
    ['', 16],
    ['@2x', 32],
    ['-32', 32],
    ['-32@2x', 64],
  ];
  it.each(states)(
    'assets/tray/%s has every size, with a transparent corner and an opaque centre',
    (state) => {
      for (const [suffix, size] of variants) {
        const png = readPng(path.join(root, 'assets', 'tray', `${state}${suffix}.png`));
        expect(png).toMatchObject({ width: size, height: size, colourType: 6 });
        const alpha = (x: number, y: number) => png.raw[y * (size * 4 + 1) + 1 + x * 4 + 3];
        expect(alpha(0, 0)).toBe(0);
        expect(alpha(size / 2, size / 2)).toBe(255);
      }
    },
  );
});
