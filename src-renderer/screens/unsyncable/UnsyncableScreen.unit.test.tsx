// @vitest-environment jsdom
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../App.js';
import { createFakeCore } from '../../testing/fakeCore.js';
import { appState } from '../../testing/fakeData.js';
import { fakeViewport, renderWithStore } from '../../testing/renderWithStore.js';
import { UnsyncableScreen } from './UnsyncableScreen.js';

let restoreViewport: () => void;
beforeEach(() => {
  restoreViewport = fakeViewport();
  window.location.hash = '';
});
afterEach(() => {
  cleanup();
  restoreViewport();
});

describe("Can't sync screen", () => {
  it('lists each file with its reason in words, and says which came from another device', async () => {
    const { core } = renderWithStore(<UnsyncableScreen />);
    const [link, name] = await screen.findAllByTestId('unsyncable-file');
    expect(core.callsOf('files:unsyncable').length).toBeGreaterThan(0);
    expect(screen.getByTestId('unsyncable-total').textContent).toBe("2 files can't sync.");
    expect(link!.textContent).toContain('Projects/latest');
    expect(link!.textContent).toContain('is a symbolic link');
    expect(link!.textContent).not.toContain('From another device');
    expect(name!.textContent).toContain('notes/what?.txt');
    expect(name!.textContent).toContain('has a name this device cannot use');
    expect(name!.textContent).toContain('From another device');
    expect(name!.textContent).toContain('which this device does not allow in file names');
  });

  it('says every file syncs when the list is empty, and that only the first are shown past them', async () => {
    const core = createFakeCore();
    core.unsyncable = { total: 0, files: [] };
    renderWithStore(<UnsyncableScreen />, { core });
    expect(await screen.findByText('Every file syncs.')).toBeTruthy();
    cleanup();

    const many = createFakeCore();
    many.unsyncable = { total: 1_500, files: many.unsyncable.files };
    renderWithStore(<UnsyncableScreen />, { core: many });
    expect((await screen.findByTestId('unsyncable-total')).textContent).toBe(
      "1,500 files can't sync. The first 2 are shown.",
    );
  });

  it('is reachable from the navigation, with the count, which follows the core after a push', async () => {
    const { core } = renderWithStore(<App />);
    await waitFor(() => expect(screen.getByTestId('unsyncable-count').textContent).toBe('2'));
    expect(screen.getByTestId('nav-unsyncable').getAttribute('href')).toBe('#/unsyncable');

    core.unsyncable = { total: 0, files: [] };
    act(() => core.push({ channel: 'state', payload: appState() }));
    await waitFor(() => expect(screen.queryByTestId('unsyncable-count')).toBeNull());
  });
});
