import { describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { deviceConfigSchema } from '../core/deviceConfig.js';
import { askFirstRun, firstRunConfig, isFirstRun, type FirstRunDialog } from './firstRun.js';

function fakeDialog(folder: string | null, button: number) {
  const dialog = {
    showOpenDialog: vi.fn(() =>
      Promise.resolve({ canceled: folder === null, filePaths: folder === null ? [] : [folder] }),
    ),
    showMessageBox: vi.fn(() => Promise.resolve({ response: button })),
  } satisfies FirstRunDialog;
  return dialog;
}

const ask = (dialog: FirstRunDialog, hub: string | null = null) =>
  askFirstRun(
    { dialog, askHubUrl: () => Promise.resolve(hub) },
    { defaultFolder: '/home/ada/NetGuardian' },
  );

describe('first run', () => {
  it('is the first run exactly when the data dir has no config.json', () => {
    expect(isFirstRun(() => false, '/d')).toBe(true);
    expect(isFirstRun((f) => f === path.join('/d', 'config.json'), '/d')).toBe(false);
  });

  it('asks for the folder, defaulting to ~/NetGuardian, then hub or local', async () => {
    const dialog = fakeDialog('/home/ada/Sync', 0);
    expect(await ask(dialog)).toEqual({ folder: '/home/ada/Sync', hubUrl: null });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(
      expect.objectContaining({ defaultPath: '/home/ada/NetGuardian' }),
    );
  });

  it('takes the hub URL when the user picks a hub', async () => {
    expect(await ask(fakeDialog('/s', 1), ' postgres://dev@hub/ng ')).toEqual({
      folder: '/s',
      hubUrl: 'postgres://dev@hub/ng',
    });
    // Skipping the URL prompt still sets the folder up, locally.
    expect(await ask(fakeDialog('/s', 1), null)).toEqual({ folder: '/s', hubUrl: null });
  });

  it('cancelling the folder or the question writes nothing (null)', async () => {
    expect(await ask(fakeDialog(null, 0))).toBeNull();
    expect(await ask(fakeDialog('/s', 2))).toBeNull();
  });

  it('builds the config netguardian init would write, valid against its schema', () => {
    const local = firstRunConfig({ folder: '/home/ada/Sync', hubUrl: null }, 'ada-laptop');
    expect(deviceConfigSchema.parse(local)).toEqual(local);
    expect(local).toMatchObject({
      folder: path.resolve('/home/ada/Sync'),
      spaceId: 'default',
      deviceName: 'ada-laptop',
      hub: null,
    });

    const hub = firstRunConfig(
      { folder: '/s', hubUrl: 'postgres://d@h/ng?sslmode=verify-full' },
      'h',
    );
    expect(deviceConfigSchema.parse(hub).hub).toEqual({
      url: 'postgres://d@h/ng?sslmode=verify-full',
      ssl: 'verify-full',
    });
    expect(firstRunConfig({ folder: '/s', hubUrl: 'postgres://d@h/ng' }, 'h').hub).toMatchObject({
      ssl: 'off',
    });
  });
});
