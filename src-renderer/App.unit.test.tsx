// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.js';
import { appState, NOW } from './testing/fakeData.js';
import { fakeViewport, renderWithStore } from './testing/renderWithStore.js';

let restoreViewport: () => void;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  restoreViewport = fakeViewport();
  window.location.hash = '';
});
afterEach(() => {
  cleanup();
  restoreViewport();
  vi.useRealTimers();
});

describe('app shell', () => {
  it('shows the phase at a glance, the hub and the last sync', async () => {
    renderWithStore(<App />);
    const phase = await screen.findByTestId('phase');
    await waitFor(() => expect(phase.dataset['phase']).toBe('synced'));
    expect(phase.textContent).toContain('Synced');
    expect(screen.getByText('Hub at hub.example.org:5432 · connected')).toBeTruthy();
    expect(screen.getByText('2 minutes ago')).toBeTruthy();
  });

  it('follows state pushes: syncing with progress, then conflicts with a badge', async () => {
    const { core } = renderWithStore(<App />);
    await waitFor(() => expect(screen.getByTestId('phase').dataset['phase']).toBe('synced'));
    act(() =>
      core.push({
        channel: 'state',
        payload: appState({
          phase: 'syncing',
          headline: 'Syncing 3 changes',
          detail: '3 changes to send.',
          pending: { upload: 3, download: 0, noticed: 0 },
          progress: {
            scan: null,
            upload: { done: 1, total: 3, bytes: 2048, label: 'Uploading' },
            download: null,
          },
        }),
      }),
    );
    // The core's words, as they are.
    expect(screen.getByTestId('phase').textContent).toBe('Syncing 3 changes3 changes to send.');
    expect(
      screen.getByRole('progressbar', { name: 'Uploading' }).getAttribute('aria-valuenow'),
    ).toBe('33');

    act(() =>
      core.push({
        channel: 'state',
        payload: appState({
          phase: 'conflicts',
          headline: '2 conflicts to review',
          detail: 'Nothing is lost: both versions are kept until you choose.',
          conflicts: 2,
        }),
      }),
    );
    expect(screen.getByTestId('phase').dataset['phase']).toBe('conflicts');
    expect(screen.getByTestId('phase').textContent).toContain('2 conflicts');
    expect(screen.getByTestId('conflict-count').textContent).toBe('2');
    expect(document.title).toBe('2 conflicts to review — NetGuardian');
  });

  it('carries the state and the conflicts to review in the page’s (and window’s) title', async () => {
    const { core } = renderWithStore(<App />);
    await waitFor(() => expect(document.title).toBe('Synced — NetGuardian'));
    act(() =>
      core.push({
        channel: 'state',
        payload: appState({
          phase: 'offline',
          headline: 'Offline — changes are kept and sent when the hub is back',
          conflicts: 1,
        }),
      }),
    );
    expect(document.title).toBe(
      'Offline — changes are kept and sent when the hub is back · 1 conflict — NetGuardian',
    );
  });

  it('pauses, resumes and syncs on request, and says so', async () => {
    const { core } = renderWithStore(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Pause sync' }));
    await screen.findByText('Sync paused.');
    expect(core.callsOf('sync:pause')).toEqual([{ paused: true }]);
    act(() =>
      core.push({
        channel: 'state',
        payload: appState({ phase: 'paused', headline: 'Paused', paused: true }),
      }),
    );
    expect(screen.getByRole('button', { name: 'Sync now' }).hasAttribute('disabled')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Resume sync' }));
    await screen.findByText('Sync resumed.');
    act(() => core.push({ channel: 'state', payload: appState() }));
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    await screen.findByText('Sync started.');
    expect(core.callsOf('sync:now')).toHaveLength(1);
  });

  it('shows an offline banner while the line to the core is down', async () => {
    const { transport } = renderWithStore(<App />);
    await screen.findByTestId('phase');
    expect(screen.queryByTestId('offline-banner')).toBeNull();
    act(() => transport.setConnection('offline'));
    expect(screen.getByTestId('offline-banner').textContent).toContain('Reconnecting');
    act(() => transport.setConnection('online'));
    expect(screen.queryByTestId('offline-banner')).toBeNull();
  });

  it('never says Synced while the page can’t hear the core: the header and the title say so', async () => {
    const { transport, core } = renderWithStore(<App />);
    act(() => core.push({ channel: 'state', payload: appState() }));
    await waitFor(() => expect(screen.getByTestId('phase').dataset['phase']).toBe('synced'));
    act(() => transport.setConnection('offline'));
    const phase = screen.getByTestId('phase');
    expect(phase.textContent).toContain('Not connected to NetGuardian');
    expect(phase.textContent).not.toContain('Synced');
    expect(phase.dataset['phase']).toBe('offline');
    expect(document.title).toBe('Not connected — NetGuardian');
    act(() => transport.setConnection('refused'));
    expect(screen.getByTestId('phase').textContent).toContain('This page’s link is out of date');
    act(() => transport.setConnection('online'));
    expect(screen.getByTestId('phase').dataset['phase']).toBe('synced');
    expect(document.title).toMatch(/^Synced|^All files/);
  });

  it('navigates between screens with real links', async () => {
    renderWithStore(<App />);
    const nav = screen.getByRole('navigation', { name: 'Screens' });
    expect(within(nav).getByRole('link', { name: 'Files' }).getAttribute('aria-current')).toBe(
      'page',
    );
    act(() => {
      window.location.hash = '#/devices';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(await screen.findByRole('heading', { name: 'Devices' })).toBeTruthy();
    expect(within(nav).getByRole('link', { name: 'Devices' }).getAttribute('aria-current')).toBe(
      'page',
    );
  });

  it('shows an error phase in plain words', async () => {
    const { core } = renderWithStore(<App />);
    await screen.findByTestId('phase');
    act(() =>
      core.push({
        channel: 'state',
        payload: appState({
          phase: 'error',
          headline: 'Error: The hub refused this device.',
          detail: 'NetGuardian tries again with the next change or sync.',
          lastError: 'The hub refused this device.',
        }),
      }),
    );
    expect(screen.getByTestId('phase').textContent).toContain(
      'Error: The hub refused this device.',
    );
    expect(screen.getByTestId('phase').className).toContain('phase-bad');
  });
});
