// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeCore } from '../../testing/fakeCore.js';
import { settings } from '../../testing/fakeData.js';
import { renderWithStore } from '../../testing/renderWithStore.js';
import { SettingsScreen } from './SettingsScreen.js';

afterEach(cleanup);

describe('Settings screen', () => {
  it('shows the folder read-only and opens it', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    expect((await screen.findByTestId('settings-folder')).textContent).toBe(
      '/home/ada/NetGuardian',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Open folder' }));
    await waitFor(() => expect(core.callsOf('folder:open')).toEqual([{}]));
  });

  it('tests the hub connection and saves it', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    const url = await screen.findByRole('textbox', { name: 'Hub address' });
    expect((url as HTMLInputElement).value).toBe('postgres://ada@hub.example.org:5432/netguardian');
    fireEvent.change(url, { target: { value: 'postgres://ada:pw@unreachable.example:5432/ng' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Encryption (TLS)' }), {
      target: { value: 'verify-full' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect((await screen.findByTestId('hub-test-result')).textContent).toBe(
      'Could not reach the hub: connection refused.',
    );
    expect(core.callsOf('hub:test')).toEqual([
      { url: 'postgres://ada:pw@unreachable.example:5432/ng', ssl: 'verify-full' },
    ]);

    fireEvent.change(url, { target: { value: 'postgres://ada:pw@hub2.example:5432/ng' } });
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() =>
      expect(screen.getByTestId('hub-test-result').textContent).toBe(
        'Connected to the hub. (42 ms)',
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save hub' }));
    expect(await screen.findByText('Hub saved.')).toBeTruthy();
    expect(core.callsOf('settings:update')).toEqual([
      { hub: { url: 'postgres://ada:pw@hub2.example:5432/ng', ssl: 'verify-full' } },
    ]);
  });

  it('saves ignore rules, the interval and pause; reports a refusal in plain words', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    const rules = await screen.findByRole('textbox', { name: 'Ignore rules' });
    fireEvent.change(rules, { target: { value: 'node_modules/\n*.tmp\n*.log\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    expect(await screen.findByText('Ignore rules saved.')).toBeTruthy();

    fireEvent.change(
      screen.getByRole('spinbutton', { name: 'Check for changes every (minutes)' }),
      { target: { value: '5' } },
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save interval' }));
    expect(await screen.findByText('Sync interval saved.')).toBeTruthy();

    fireEvent.click(screen.getByRole('checkbox', { name: 'Pause syncing' }));
    expect(await screen.findByText('Sync paused.')).toBeTruthy();
    expect(core.callsOf('settings:update')).toEqual([
      { ignoreRules: 'node_modules/\n*.tmp\n*.log\n' },
      { syncIntervalMs: 300_000 },
      { paused: true },
    ]);

    core.failing['settings:update'] = {
      code: 'FileSystemError',
      message: 'Could not write .netguardianignore: permission denied.',
      field: 'ignoreRules',
    };
    fireEvent.change(rules, { target: { value: '*.bak\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    expect(
      await screen.findByText('Could not write .netguardianignore: permission denied.'),
    ).toBeTruthy();
  });

  it('offers start at login only where the platform supports it', async () => {
    const core = createFakeCore();
    renderWithStore(<SettingsScreen />, { core });
    expect(
      await screen.findByRole('checkbox', { name: 'Start NetGuardian when I log in' }),
    ).toBeTruthy();
    cleanup();
    const headless = createFakeCore();
    headless.settings = settings({ startAtLogin: null });
    renderWithStore(<SettingsScreen />, { core: headless });
    await screen.findByTestId('settings-folder');
    expect(screen.queryByRole('checkbox', { name: /Start NetGuardian/ })).toBeNull();
  });

  it('shows loading, then an error with a retry', async () => {
    const core = createFakeCore();
    core.failing['settings:get'] = { code: 'StoreError', message: 'Settings could not be read.' };
    renderWithStore(<SettingsScreen />, { core });
    expect(screen.getByText('Loading settings…')).toBeTruthy();
    expect(await screen.findByText('Settings could not be read.')).toBeTruthy();
  });
});
