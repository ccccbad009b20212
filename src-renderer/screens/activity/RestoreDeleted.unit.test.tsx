// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithStore } from '../../testing/renderWithStore.js';
import { RestoreDeleted } from './RestoreDeleted.js';

afterEach(cleanup);

describe('Restore deleted files', () => {
  it('asks the core for what was deleted in the chosen time and says what came back', async () => {
    const { core } = renderWithStore(<RestoreDeleted />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Deleted in' }), {
      target: { value: '2' },
    });
    const before = Date.now();
    fireEvent.click(screen.getByRole('button', { name: 'Restore deleted files' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Restored 2 deleted items; they come back on every device.',
    );
    const after = Date.now();
    const [call] = core.callsOf('history:restoreDeleted');
    // "the last 24 hours": since is a day before the click.
    expect(call?.since).toBeGreaterThanOrEqual(before - 24 * 3600_000);
    expect(call?.since).toBeLessThanOrEqual(after - 24 * 3600_000);
  });

  it('says what was renamed or moved apart from what could not be restored', async () => {
    const { core } = renderWithStore(<RestoreDeleted />);
    const answer = {
      restored: [],
      skipped: [
        { path: 'readme.txt', reason: 'it was moved: its content is at intro.txt' },
        { path: 'old', reason: 'it was moved: every file it held is somewhere else now' },
      ],
    };
    const call = core.call.bind(core);
    core.call = ((channel, payload) =>
      channel === 'history:restoreDeleted'
        ? Promise.resolve(answer)
        : call(channel, payload)) as typeof core.call;
    fireEvent.click(screen.getByRole('button', { name: 'Restore deleted files' }));
    // Renames are not failures: before, this said "Nothing deleted … could be restored. 2 could
    // not be restored".
    expect((await screen.findByRole('status')).textContent).toBe(
      'Nothing was deleted in that time. 2 items were renamed or moved, not deleted, and stay where they are (readme.txt: it was moved: its content is at intro.txt).',
    );
  });

  it('says why when the core refuses', async () => {
    const { core } = renderWithStore(<RestoreDeleted />);
    core.failing['history:restoreDeleted'] = {
      code: 'StoreError',
      message: 'history:restoreDeleted failed: the store is closed',
    };
    fireEvent.click(screen.getByRole('button', { name: 'Restore deleted files' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/the store is closed/);
  });

  it('shows the trash on this device at a glance', async () => {
    const { core } = renderWithStore(<RestoreDeleted />);
    expect((await screen.findByTestId('trash-summary')).textContent).toBe(
      'Trash on this device: 3 items, 3.0 MB, kept 30 days / at most 10% of the folder.',
    );
    expect(core.callsOf('trash:list')).toHaveLength(1);
  });
});
