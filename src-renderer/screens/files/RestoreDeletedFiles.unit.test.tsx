// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOW } from '../../testing/fakeData.js';
import { fakeViewport, renderWithStore } from '../../testing/renderWithStore.js';
import { FilesScreen } from './FilesScreen.js';
import { RestoreDeletedButton } from './RestoreDeletedFiles.js';

let restoreViewport: () => void;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  restoreViewport = fakeViewport(400);
});
afterEach(() => {
  cleanup();
  restoreViewport();
  vi.useRealTimers();
});

describe('Restore deleted files… on the Files screen', () => {
  it('is on the Files screen and restores what was deleted since a span back from now', async () => {
    const { core } = renderWithStore(<FilesScreen />);
    const open = screen.getByRole('button', { name: 'Restore deleted files…' });
    fireEvent.click(open);
    const dialog = screen.getByRole('dialog', { name: 'Restore deleted files' });
    // Focus goes into it.
    expect(document.activeElement).toBe(within(dialog).getByRole('heading'));
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Deleted since' }), {
      target: { value: '2' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: /^Restore files deleted since / }));
    expect((await within(dialog).findByRole('status')).textContent).toBe(
      'Restored 2 deleted items; they come back on every device.',
    );
    // "24 hours ago": a day before now.
    expect(core.callsOf('history:restoreDeleted')).toEqual([{ since: NOW - 24 * 3600_000 }]);
    // Escape closes it and gives focus back to the button.
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(open);
  });

  it('takes a time the person types, and refuses one in the future', async () => {
    const { core } = renderWithStore(<RestoreDeletedButton />);
    fireEvent.click(screen.getByRole('button', { name: 'Restore deleted files…' }));
    const dialog = screen.getByRole('dialog', { name: 'Restore deleted files' });
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Deleted since' }), {
      target: { value: 'custom' },
    });
    const restore = () => within(dialog).getAllByRole('button')[0] as HTMLButtonElement;
    // Nothing typed yet: says what is missing, can't run.
    expect(dialog.textContent).toContain('Enter the date and time to restore from.');
    expect(restore().disabled).toBe(true);

    const time = within(dialog).getByLabelText('Date and time');
    // NOW is 2025-05-14 09:30 UTC; the tests run in UTC, as the input's local time.
    fireEvent.change(time, { target: { value: '2025-05-15T08:00' } });
    expect(dialog.textContent).toContain('That time is in the future: pick one in the past.');
    expect(restore().disabled).toBe(true);

    fireEvent.change(time, { target: { value: '2025-05-14T08:00' } });
    expect(restore().disabled).toBe(false);
    fireEvent.click(restore());
    expect((await within(dialog).findByRole('status')).textContent).toContain('Restored 2');
    expect(core.callsOf('history:restoreDeleted')).toEqual([
      { since: new Date('2025-05-14T08:00').getTime() },
    ]);
  });

  it('says why when the core refuses', async () => {
    const { core } = renderWithStore(<RestoreDeletedButton />);
    core.failing['history:restoreDeleted'] = {
      code: 'StoreError',
      message: 'history:restoreDeleted failed: the store is closed',
    };
    fireEvent.click(screen.getByRole('button', { name: 'Restore deleted files…' }));
    const dialog = screen.getByRole('dialog', { name: 'Restore deleted files' });
    fireEvent.click(within(dialog).getByRole('button', { name: /^Restore files deleted since / }));
    expect((await within(dialog).findByRole('status')).textContent).toMatch(/the store is closed/);
  });
});
