// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../../testing/fakeCore.js';
import { INVITE_CODE, settings } from '../../testing/fakeData.js';
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

  it('shows the hub and whether it answers, and never asks for a database address', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    expect((await screen.findByTestId('hub-line')).textContent).toBe(
      'hub 192.168.1.5:7443 — connected',
    );
    expect(screen.queryByText(/postgres/i)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Invite a device' })).toBeNull();
    // The state push says the hub stopped answering: the line follows it.
    core.push({
      channel: 'state',
      payload: { ...core.state, hub: { description: '192.168.1.5:7443', connected: false } },
    });
    await waitFor(() =>
      expect(screen.getByTestId('hub-line').textContent).toBe('hub 192.168.1.5:7443 — offline'),
    );
  });

  it('joins with an invite code, and says in words why a garbled one was refused', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    const field = await screen.findByRole('textbox', { name: 'Join with an invite code' });
    fireEvent.change(field, { target: { value: 'ng1-eyJhIjoi' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(
      await screen.findByText(
        'this invite code is damaged or cut short: copy it again, whole, from the message you were sent',
      ),
    ).toBeTruthy();

    core.failing['hub:join'] = {
      code: 'InviteRefused',
      message:
        'could not join the hub at 192.168.1.20:7443: this invite was already used on 2026-03-01T10:00:00.000Z: ask for a new one',
    };
    fireEvent.change(field, { target: { value: INVITE_CODE } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'could not join the hub at 192.168.1.20:7443: this invite was already used on 2026-03-01T10:00:00.000Z: ask for a new one',
    );
    expect(screen.getByTestId('hub-line').textContent).toBe('hub 192.168.1.5:7443 — connected');

    delete core.failing['hub:join'];
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(
      await screen.findByText('Joined the hub: this device syncs through it now.'),
    ).toBeTruthy();
    expect(screen.getByTestId('hub-line').textContent).toBe('hub 192.168.1.20:7443 — connected');
    expect(core.callsOf('hub:join')).toEqual([
      { code: 'ng1-eyJhIjoi' },
      { code: INVITE_CODE },
      { code: INVITE_CODE },
    ]);
  });

  it('leaves the hub, back to this device only', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Leave hub' }));
    expect(
      await screen.findByText('Left the hub: this folder is kept on this device only.'),
    ).toBeTruthy();
    expect(core.callsOf('hub:leave')).toEqual([{}]);
    expect(screen.getByTestId('hub-line').textContent).toMatch(/^No hub: /);
    expect(screen.queryByRole('button', { name: 'Leave hub' })).toBeNull();
  });

  it('on the computer that runs the hub, makes an invite code to copy', async () => {
    const core = createFakeCore();
    core.settings = settings({ hub: { address: '192.168.1.20:7443', runsHere: true } });
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    renderWithStore(<SettingsScreen />, { core });
    expect((await screen.findByTestId('hub-line')).textContent).toBe(
      'hub 192.168.1.20:7443 — connected (runs on this computer)',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Invite a device' }));
    const code = await screen.findByTestId('hub-invite-code');
    expect((code as HTMLInputElement).value).toBe(INVITE_CODE);
    // A day to use it.
    expect(core.callsOf('hub:invite')).toEqual([{ expiresInMs: 86_400_000 }]);
    fireEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(INVITE_CODE));

    core.failing['hub:invite'] = {
      code: 'InvalidArgument',
      message: 'This device does not run a hub: only the computer that runs it can invite.',
    };
    fireEvent.click(screen.getByRole('button', { name: 'Invite a device' }));
    expect(
      await screen.findByText(
        'This device does not run a hub: only the computer that runs it can invite.',
      ),
    ).toBeTruthy();
  });

  it('a local-only device can create a hub on this computer', async () => {
    const core = createFakeCore();
    core.settings = settings({ hub: null });
    renderWithStore(<SettingsScreen />, { core });
    fireEvent.click(await screen.findByRole('button', { name: 'Create a hub on this computer' }));
    expect(
      await screen.findByText('This computer now runs a hub: invite your other devices to it.'),
    ).toBeTruthy();
    expect(core.callsOf('hub:create')).toEqual([{}]);
    expect(screen.getByRole('button', { name: 'Invite a device' })).toBeTruthy();
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
