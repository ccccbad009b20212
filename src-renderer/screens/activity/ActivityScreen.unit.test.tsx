// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../../testing/fakeCore.js';
import { appState, NOW } from '../../testing/fakeData.js';
import { renderWithStore } from '../../testing/renderWithStore.js';
import { ActivityScreen, filesAndFolders } from './ActivityScreen.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('Activity screen', () => {
  it('shows the sync status and the recent activity, newest first, in plain words', async () => {
    renderWithStore(<ActivityScreen />);
    const list = await screen.findByTestId('activity-list');
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      'Sync3 files changed on desktop reached this device1 minute ago',
      'Conflictnotes.md was changed on two devices at once10 minutes ago',
      'ProblemThe hub could not be reached; will retry in 1 minute30 minutes ago',
    ]);
    expect(screen.getByText('hub.example.org:5432, connected')).toBeTruthy();
    expect(screen.getByTestId('pending-upload').textContent).toBe('0');
    expect(screen.getByText('No transfers running.')).toBeTruthy();
  });

  it('draws progress bars for scan, upload and download, and adds pushed activity on top', async () => {
    const { core } = renderWithStore(<ActivityScreen />);
    await screen.findByTestId('activity-list');
    act(() => {
      core.push({
        channel: 'state',
        payload: appState({
          phase: 'syncing',
          pending: { upload: 4, download: 7, noticed: 0 },
          progress: {
            scan: { done: 1_500, total: null, bytes: 0, label: 'Scanning' },
            upload: { done: 1, total: 4, bytes: 512, label: 'Uploading' },
            download: { done: 6, total: 7, bytes: 0, label: 'Downloading' },
          },
        }),
      });
      core.push({
        channel: 'activity',
        payload: { id: 4, at: NOW, kind: 'upload', message: 'report.pdf was added' },
      });
    });
    expect(
      screen
        .getByRole('progressbar', { name: 'Checking the folder' })
        .getAttribute('aria-valuetext'),
    ).toBe('1,500 so far');
    expect(
      screen.getByRole('progressbar', { name: 'Uploading' }).getAttribute('aria-valuenow'),
    ).toBe('25');
    expect(
      screen.getByRole('progressbar', { name: 'Downloading' }).getAttribute('aria-valuenow'),
    ).toBe('86');
    expect(screen.getByTestId('pending-download').textContent).toBe('7');
    expect(
      within(screen.getByTestId('activity-list')).getAllByRole('listitem')[0]?.textContent,
    ).toContain('report.pdf was added');
  });

  it('has an empty state and an error state', async () => {
    const quiet = createFakeCore();
    const call = quiet.call.bind(quiet);
    quiet.call = ((channel: never, payload: never) =>
      channel === 'activity:list'
        ? Promise.resolve([])
        : call(channel, payload)) as typeof quiet.call;
    renderWithStore(<ActivityScreen />, { core: quiet });
    expect(await screen.findByText('Nothing has happened yet.')).toBeTruthy();
    cleanup();

    const broken = createFakeCore();
    broken.failing['activity:list'] = {
      code: 'StoreError',
      message: 'The activity log is unavailable.',
    };
    renderWithStore(<ActivityScreen />, { core: broken });
    await waitFor(() => expect(screen.getByText('The activity log is unavailable.')).toBeTruthy());
  });
});

describe('the folder counts', () => {
  it('says files and folders apart', () => {
    expect(filesAndFolders(4, 1)).toBe('3 files, 1 folder');
    expect(filesAndFolders(1_204, 0)).toBe('1,204 files, 0 folders');
    expect(filesAndFolders(2, 1)).toBe('1 file, 1 folder');
  });
});
