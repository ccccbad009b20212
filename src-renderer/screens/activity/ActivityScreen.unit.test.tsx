// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ActivityItem } from '../../../src-shared/ipc/contract.js';
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
      'Sync3 files from desktop reached this device1 minute ago',
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

/** A core whose activity list is `items`. */
function coreWithActivity(items: ActivityItem[]) {
  const core = createFakeCore();
  const call = core.call.bind(core);
  core.call = ((channel: never, payload: never) =>
    channel === 'activity:list'
      ? Promise.resolve(items)
      : call(channel, payload)) as typeof core.call;
  return core;
}

describe('activity rows lead to what they are about', () => {
  const items: ActivityItem[] = [
    {
      id: 9,
      at: NOW - 60_000,
      kind: 'change',
      message: 'docs/plan.txt changed on desktop',
      path: 'docs/plan.txt',
    },
    {
      id: 8,
      at: NOW - 120_000,
      kind: 'change',
      message: 'photos changed on desktop',
      path: 'photos',
      folder: true,
    },
    {
      id: 7,
      at: NOW - 180_000,
      kind: 'conflict',
      message: 'notes.md was changed on two devices at once',
      path: 'notes.md',
    },
    { id: 6, at: NOW - 240_000, kind: 'sync', message: '3 changes sent to the hub' },
  ];

  it('links a file to the Files screen with its folder open and the file selected', async () => {
    window.location.hash = '#/activity';
    const { store } = renderWithStore(<ActivityScreen />, { core: coreWithActivity(items) });
    const link = await screen.findByRole('link', { name: 'docs/plan.txt changed on desktop' });
    expect(link.getAttribute('href')).toBe('#/files');
    fireEvent.click(link);
    expect(store.getState().files.folder).toBe('docs');
    expect(store.getState().files.selected).toEqual({ path: 'docs/plan.txt', kind: 'file' });
    await waitFor(() => expect(window.location.hash).toBe('#/files'));
  });

  it('opens a folder itself, links a conflict to Conflicts, and leaves the rest as text', async () => {
    const { store } = renderWithStore(<ActivityScreen />, { core: coreWithActivity(items) });
    fireEvent.click(await screen.findByRole('link', { name: 'photos changed on desktop' }));
    expect(store.getState().files.folder).toBe('photos');
    expect(store.getState().files.selected).toBeNull();
    expect(
      screen
        .getByRole('link', { name: 'notes.md was changed on two devices at once' })
        .getAttribute('href'),
    ).toBe('#/conflicts?path=notes.md');
    expect(screen.queryByRole('link', { name: '3 changes sent to the hub' })).toBeNull();
    expect(screen.getByText('3 changes sent to the hub')).toBeTruthy();
  });

  it('shows a retried failure once, with since when and how often', async () => {
    const since = NOW - 6 * 60_000;
    renderWithStore(<ActivityScreen />, {
      core: coreWithActivity([
        {
          id: 5,
          at: NOW,
          kind: 'error',
          message:
            "Can't reach the hub at 127.0.0.1. NetGuardian keeps trying; check that the hub is running.",
          repeats: { count: 7, since },
        },
      ]),
    });
    const rows = within(await screen.findByTestId('activity-list')).getAllByRole('listitem');
    expect(rows).toHaveLength(1);
    const hhmm = `${String(new Date(since).getHours()).padStart(2, '0')}:${String(new Date(since).getMinutes()).padStart(2, '0')}`;
    expect(rows[0]?.textContent).toBe(
      `ProblemCan't reach the hub at 127.0.0.1 since ${hhmm} · 7 tries. NetGuardian keeps trying; check that the hub is running.just now`,
    );
  });
});

describe('the folder counts', () => {
  it('says files and folders apart', () => {
    expect(filesAndFolders(4, 1)).toBe('3 files, 1 folder');
    expect(filesAndFolders(1_204, 0)).toBe('1,204 files, 0 folders');
    expect(filesAndFolders(2, 1)).toBe('1 file, 1 folder');
  });
});
