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
      'Hub at 192.168.1.5 · connected',
    );
    expect(screen.queryByText(/postgres/i)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Invite a device' })).toBeNull();
    // The state push says the hub stopped answering: the line follows it.
    core.push({
      channel: 'state',
      payload: { ...core.state, hub: { description: '192.168.1.5:7443', connected: false } },
    });
    await waitFor(() =>
      expect(screen.getByTestId('hub-line').textContent).toBe('Hub at 192.168.1.5 · offline'),
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
    expect(screen.getByTestId('hub-line').textContent).toBe('Hub at 192.168.1.5 · connected');

    delete core.failing['hub:join'];
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(
      await screen.findByText('Joined the hub: this device syncs through it now.'),
    ).toBeTruthy();
    // The code is a secret: once used it is not shown again.
    expect((field as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('hub-line').textContent).toBe('Hub at 192.168.1.20 · connected');
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
      'Hub at 192.168.1.20 · connected · runs on this computer',
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

  it('shows no database address, TLS choice or password field: pairing pins the hub', async () => {
    const { container } = renderWithStore(<SettingsScreen />);
    await screen.findByTestId('hub-line');
    expect(container.querySelectorAll('input[type="password"]')).toHaveLength(0);
    expect(screen.queryByText(/postgres|TLS|database|password/i)).toBeNull();
    expect(screen.getByRole('button', { name: 'Join' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Leave hub' })).toBeTruthy();
  });

  it('every card saves with its own button, enabled once changed, then says “Saved.”', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    const rules = await screen.findByRole('textbox', { name: 'Ignore rules' });
    const saveRules = screen.getByRole('button', { name: 'Save rules' });
    const saveName = screen.getByRole('button', { name: 'Save name' });
    const saveSync = screen.getByRole('button', { name: 'Save sync settings' });
    for (const button of [saveRules, saveName, saveSync])
      expect(button).toHaveProperty('disabled', true);

    fireEvent.change(rules, { target: { value: 'node_modules/\n*.tmp\n*.log\n' } });
    fireEvent.click(saveRules);
    expect(await screen.findByText('Saved.')).toBeTruthy();

    // A checkbox is a change like any other: nothing is stored until Save.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Pause syncing' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Start NetGuardian when I log in' }));
    expect(core.callsOf('settings:update')).toEqual([
      { ignoreRules: 'node_modules/\n*.tmp\n*.log\n' },
    ]);
    expect(saveSync).toHaveProperty('disabled', false);
    fireEvent.click(saveSync);
    await waitFor(() => expect(saveSync).toHaveProperty('disabled', true));
    expect(core.callsOf('settings:update')).toEqual([
      { ignoreRules: 'node_modules/\n*.tmp\n*.log\n' },
      { paused: true, startAtLogin: true },
    ]);
    await waitFor(() => expect(screen.getAllByText('Saved.')).toHaveLength(2));

    core.failing['settings:update'] = {
      code: 'FileSystemError',
      message: 'Could not write .netguardianignore: permission denied.',
      field: 'ignoreRules',
    };
    fireEvent.change(rules, { target: { value: '*.bak\n' } });
    fireEvent.click(saveRules);
    expect(
      await screen.findByText('Could not write .netguardianignore: permission denied.'),
    ).toBeTruthy();
  });

  it('takes the sync interval in seconds or minutes, by the one shared rule', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    // 60 000 ms is shown as whole minutes.
    const amount = await screen.findByRole('spinbutton', { name: 'Sync interval' });
    const unit = screen.getByRole('combobox', { name: 'Unit' });
    expect((amount as HTMLInputElement).value).toBe('1');
    expect((unit as HTMLSelectElement).value).toBe('minutes');

    fireEvent.change(amount, { target: { value: '2' } });
    fireEvent.change(unit, { target: { value: 'seconds' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save sync settings' }));
    expect(
      await screen.findByText(
        'Choose a sync interval from 5 seconds to 24 hours (1440 minutes), in whole seconds.',
      ),
    ).toBeTruthy();
    expect(core.callsOf('settings:update')).toEqual([]);

    fireEvent.change(amount, { target: { value: '45' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save sync settings' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(core.callsOf('settings:update')).toEqual([{ syncIntervalMs: 45_000 }]);
    expect((amount as HTMLInputElement).value).toBe('45');
    expect((unit as HTMLSelectElement).value).toBe('seconds');
  });

  it('renames the device, and refuses a blank name in the rule’s words', async () => {
    const { core } = renderWithStore(<SettingsScreen />);
    const name = await screen.findByRole('textbox', { name: 'Device name' });
    expect((name as HTMLInputElement).value).toBe('laptop');

    fireEvent.change(name, { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    expect(
      await screen.findByText(
        'Choose a device name of 1 to 64 characters, not only spaces, without line breaks or tabs.',
      ),
    ).toBeTruthy();
    expect(core.callsOf('settings:update')).toEqual([]);

    fireEvent.change(name, { target: { value: ' Ada’s laptop ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(core.callsOf('settings:update')).toEqual([{ deviceName: 'Ada’s laptop' }]);
    expect((name as HTMLInputElement).value).toBe('Ada’s laptop');
    expect(screen.getByRole('button', { name: 'Save name' })).toHaveProperty('disabled', true);
  });

  it('moves the folder with progress, and shows a refusal in words', async () => {
    const core = createFakeCore();
    let release = () => {};
    core.gate = (channel) =>
      channel === 'folder:move'
        ? new Promise<void>((resolve) => {
            release = resolve;
          })
        : Promise.resolve();
    renderWithStore(<SettingsScreen />, { core });
    const target = await screen.findByRole('textbox', { name: 'Move the folder to' });
    expect(screen.getByRole('button', { name: 'Move folder' })).toHaveProperty('disabled', true);

    fireEvent.change(target, { target: { value: '/mnt/big/NetGuardian' } });
    fireEvent.click(screen.getByRole('button', { name: 'Move folder' }));
    expect(await screen.findByText('Moving the folder…')).toBeTruthy();
    core.push({
      channel: 'folder:moveProgress',
      payload: { done: 3, total: 12, bytes: 2 * 1_048_576, totalBytes: 8 * 1_048_576 },
    });
    const bar = await screen.findByRole('progressbar', { name: 'Moving the folder' });
    expect(bar.getAttribute('aria-valuetext')).toBe('3 of 12');
    expect(screen.getByText('2.0 MB of 8.0 MB copied')).toBeTruthy();

    release();
    expect(
      await screen.findByText('Moved: the folder is now at /mnt/big/NetGuardian.'),
    ).toBeTruthy();
    expect(screen.getByTestId('settings-folder').textContent).toBe('/mnt/big/NetGuardian');
    expect(screen.queryByRole('progressbar', { name: 'Moving the folder' })).toBeNull();
    expect(core.callsOf('folder:move')).toEqual([{ to: '/mnt/big/NetGuardian' }]);

    core.gate = () => Promise.resolve();
    core.failing['folder:move'] = {
      code: 'InvalidArgument',
      message:
        '/mnt/usb is not empty: choose an empty folder or a new name, so nothing there gets mixed with your files.',
      field: 'to',
    };
    fireEvent.change(target, { target: { value: '/mnt/usb' } });
    fireEvent.click(screen.getByRole('button', { name: 'Move folder' }));
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      '/mnt/usb is not empty: choose an empty folder or a new name, so nothing there gets mixed with your files.',
    );
    expect(screen.getByTestId('settings-folder').textContent).toBe('/mnt/big/NetGuardian');
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
