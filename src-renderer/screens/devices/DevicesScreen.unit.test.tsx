// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../../testing/fakeCore.js';
import { INVITE_CODE, NOW, devices } from '../../testing/fakeData.js';
import { renderWithStore } from '../../testing/renderWithStore.js';
import { DevicesScreen, JOINING_REFRESH_MS } from './DevicesScreen.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const rowOf = async (name: string) =>
  (await screen.findAllByTestId('device')).find(
    (row) => row.querySelector('.device-name')?.textContent === name,
  )!;

describe('Devices screen', () => {
  it('lists every device of the space with the hub’s presence, this one marked, no ids shown', async () => {
    const { core } = renderWithStore(<DevicesScreen />);
    const rows = await screen.findAllByTestId('device');
    expect(core.callsOf('devices:list')).toHaveLength(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      'laptopThis deviceOnline now',
      'tabletOnline nowRemove…',
      'desktopLast seen 5 minutes agoRemove…',
      'phoneNever seenRemove…',
    ]);
    expect(document.body.textContent).not.toContain('node-');
    // The id is there for support, in the tooltip only.
    expect(rows[2]!.getAttribute('title')).toBe('Device id: node-desktop');
    expect(screen.queryByTestId('devices-hub-line')).toBeNull();
  });

  it('shows an error with a retry', async () => {
    const core = createFakeCore();
    core.failing['devices:list'] = {
      code: 'AccessDenied',
      message: 'The hub refused to list devices.',
    };
    renderWithStore(<DevicesScreen />, { core });
    expect(await screen.findByText('The hub refused to list devices.')).toBeTruthy();
    delete core.failing['devices:list'];
    screen.getByRole('button', { name: 'Try again' }).click();
    expect(await screen.findAllByTestId('device')).toHaveLength(4);
  });

  it('says when the hub could not be asked, and shows what this device knows', async () => {
    const core = createFakeCore();
    core.devices = devices({
      hub: 'unlisted',
      problem: "can't reach the hub at 192.168.1.5:7443: nothing answers there, is it running?",
      manages: false,
      devices: [
        { nodeId: 'n-l', name: 'laptop', lastSeen: NOW, thisDevice: true, online: false },
        {
          nodeId: 'n-d',
          name: 'desktop',
          lastSeen: NOW - 2 * 3_600_000,
          thisDevice: false,
          online: false,
        },
      ],
    });
    renderWithStore(<DevicesScreen />, { core });
    expect((await screen.findByTestId('devices-hub-line')).textContent).toBe(
      "Can't reach the hub at 192.168.1.5:7443: nothing answers there, is it running? Shown instead: the devices whose changes reached this one (who is online is unknown).",
    );
    expect((await rowOf('laptop')).textContent).toBe('laptopThis deviceOffline');
    expect((await rowOf('desktop')).textContent).toBe('desktopLast seen 2 hours ago');
  });

  it('without a hub, explains that devices join through one made or joined in Settings', async () => {
    const core = createFakeCore();
    core.devices = devices({
      hub: 'none',
      manages: false,
      devices: [{ nodeId: 'n-l', name: 'laptop', lastSeen: NOW, thisDevice: true, online: false }],
    });
    renderWithStore(<DevicesScreen />, { core });
    expect(await screen.findByText('No hub yet.')).toBeTruthy();
    expect((await rowOf('laptop')).textContent).toBe('laptopThis deviceNo hub');
    expect(screen.getByText(/Create or join a hub in/).textContent).toBe(
      'Devices sync through a hub. Create or join a hub in Settings, then add your other devices.',
    );
    expect(screen.getByRole('link', { name: 'Settings' }).getAttribute('href')).toBe('#/settings');
    expect(screen.queryByRole('button', { name: 'Add a device' })).toBeNull();
  });

  it('alone on its hub, says to add a device, and opens "Add a device" from there', async () => {
    const core = createFakeCore();
    core.devices = devices({ devices: devices().devices.slice(0, 1) });
    renderWithStore(<DevicesScreen />, { core });
    expect(await screen.findByText('Only this device so far.')).toBeTruthy();
    expect(screen.getByText(/Add a device to share this folder/)).toBeTruthy();
    const link = screen
      .getAllByRole('button', { name: 'Add a device' })
      .find((b) => b.classList.contains('link'))!;
    fireEvent.click(link);
    expect(await screen.findByTestId('invite-code')).toBeTruthy();
  });

  it('alone on a hub another computer runs, says where invites come from', async () => {
    const core = createFakeCore();
    core.devices = devices({ manages: false, devices: devices().devices.slice(0, 1) });
    renderWithStore(<DevicesScreen />, { core });
    expect(
      await screen.findByText(
        'Add a device to share this folder: ask for an invite code on the computer that runs the hub.',
      ),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add a device' })).toBeNull();
  });

  it('"Add a device" shows a one-time code to copy, as a QR code too, and how long it works', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const { core } = renderWithStore(<DevicesScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add a device' }));
    const code = await screen.findByTestId('invite-code');
    expect((code as HTMLInputElement).value).toBe(INVITE_CODE);
    // A day to use it.
    expect(core.callsOf('hub:invite')).toEqual([{ expiresInMs: 86_400_000 }]);
    expect(screen.getByTestId('invite-validity').textContent).toMatch(
      /^Works once, for 24 hours \(until .+\)\.$/,
    );
    expect(screen.getByRole('img', { name: 'The invite code as a QR code' })).toBeTruthy();
    // Focus moves into the panel.
    expect(document.activeElement?.textContent).toBe('Add a device');
    fireEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(INVITE_CODE));
    expect(await screen.findByText('Copied.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByTestId('invite-code')).toBeNull();
  });

  it('asks for the list every few seconds while a code is shown, so the joining device appears', async () => {
    // Fake timers that also follow real time, so the screen's own waits still run.
    vi.useFakeTimers({ shouldAdvanceTime: true, now: NOW });
    const { core } = renderWithStore(<DevicesScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add a device' }));
    await screen.findByTestId('invite-code');
    const before = core.callsOf('devices:list').length;
    act(() => void vi.advanceTimersByTime(JOINING_REFRESH_MS * 2 + 100));
    expect(core.callsOf('devices:list').length - before).toBeGreaterThanOrEqual(2);
    // Done: back to the slow pace.
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    const closed = core.callsOf('devices:list').length;
    act(() => void vi.advanceTimersByTime(JOINING_REFRESH_MS * 3));
    expect(core.callsOf('devices:list').length).toBe(closed);
  });

  it('an invite the core refuses is said in its words', async () => {
    const core = createFakeCore();
    core.failing['hub:invite'] = {
      code: 'InvalidArgument',
      message:
        'this computer does not run a hub: only the computer that runs it can invite devices (or create one here first)',
    };
    renderWithStore(<DevicesScreen />, { core });
    fireEvent.click(await screen.findByRole('button', { name: 'Add a device' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'this computer does not run a hub: only the computer that runs it can invite devices (or create one here first)',
    );
  });

  it('removes a device after a confirmation that names it; this device has no Remove', async () => {
    const { core } = renderWithStore(<DevicesScreen />);
    expect(within(await rowOf('laptop')).queryByRole('button')).toBeNull();
    const desktop = await rowOf('desktop');
    fireEvent.click(within(desktop).getByRole('button', { name: 'Remove…' }));
    const confirm = within(desktop).getByRole('group', { name: 'Confirm removing desktop' });
    expect(confirm.textContent).toContain('Remove desktop? It can’t sync with this hub any more.');
    expect(confirm.textContent).toContain('The files it synced stay on every device');
    // The safe choice has the focus; cancelling removes nothing.
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(core.callsOf('devices:remove')).toEqual([]);

    fireEvent.click(within(desktop).getByRole('button', { name: 'Remove…' }));
    fireEvent.click(within(desktop).getByRole('button', { name: 'Remove desktop' }));
    await waitFor(() =>
      expect(core.callsOf('devices:remove')).toEqual([{ nodeId: 'node-desktop' }]),
    );
    await waitFor(() =>
      expect(
        screen.getAllByTestId('device').map((r) => r.querySelector('.device-name')?.textContent),
      ).toEqual(['laptop', 'tablet', 'phone']),
    );
  });

  it('a refused removal is said in the device’s row, and the device stays', async () => {
    const core = createFakeCore();
    core.failing['devices:remove'] = {
      code: 'NotFound',
      message:
        'that device is not paired with this hub any more (removed already?): the list is up to date now',
    };
    renderWithStore(<DevicesScreen />, { core });
    const phone = await rowOf('phone');
    fireEvent.click(within(phone).getByRole('button', { name: 'Remove…' }));
    fireEvent.click(within(phone).getByRole('button', { name: 'Remove phone' }));
    expect((await within(phone).findByRole('alert')).textContent).toBe(
      'that device is not paired with this hub any more (removed already?): the list is up to date now',
    );
    expect(screen.getAllByTestId('device')).toHaveLength(4);
  });

  it('on a device that does not run the hub, offers neither adding nor removing', async () => {
    const core = createFakeCore();
    core.devices = devices({ manages: false });
    renderWithStore(<DevicesScreen />, { core });
    await screen.findAllByTestId('device');
    expect(screen.queryByRole('button', { name: 'Add a device' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove…' })).toBeNull();
    expect(
      screen.getByText('Devices are added and removed on the computer that runs the hub.'),
    ).toBeTruthy();
  });
});
