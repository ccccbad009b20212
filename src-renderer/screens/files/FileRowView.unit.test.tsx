// @vitest-environment jsdom
/**
 * A file row's accessible name is what the row shows, in the order it shows it (WCAG 2.5.3, label
 * in name; issue 16 point 8: axe found rows whose name left out their visible text), and its
 * text reads as words, not run together.
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileRow } from '../../../src-shared/ipc/contract.js';
import { FileRowView } from './FileRowView.js';

afterEach(cleanup);

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

function renderRow(row: FileRow, showFolder = false) {
  render(
    <div role="listbox" aria-label="Files">
      <FileRowView
        row={row}
        index={0}
        total={1}
        top={0}
        selected={false}
        active={false}
        now={NOW}
        showFolder={showFolder}
        onSelect={() => {}}
        onOpen={() => {}}
      />
    </div>,
  );
  return screen.getByRole('option');
}

const file: FileRow = {
  path: 'docs/readme.md',
  kind: 'file',
  size: 891,
  modifiedAt: NOW - 5 * 60_000,
  state: 'pending-upload',
  lastDevice: 'laptop',
  executable: false,
};

describe('a file row’s accessible name', () => {
  it('is its name, status, size, time and device, as shown', () => {
    const row = renderRow(file);
    expect(row.getAttribute('aria-label')).toBe(
      'readme.md, Waiting to upload, 891 bytes, 5 minutes ago, laptop',
    );
    // The columns' text is separated, so it reads as words.
    expect(row.textContent).toBe('readme.md Waiting to upload 891 bytes 5 minutes ago laptop');
  });

  it('says "folder" for a folder, after what it shows (a dash is not read)', () => {
    const row = renderRow({
      ...file,
      path: 'docs',
      kind: 'dir',
      size: 0,
      modifiedAt: null,
      state: 'synced',
      lastDevice: null,
    });
    expect(row.getAttribute('aria-label')).toBe('docs, Synced, folder');
  });

  it('names a conflict copy as such, and where a search match is', () => {
    const copy = 'notes/plan.conflict-laptop-6999af46-20261206-150223-df0abd44.md';
    const row = renderRow({ ...file, path: copy, state: 'synced' }, true);
    expect(row.getAttribute('aria-label')).toBe(
      'plan.conflict-laptop-6999af46-20261206-150223-df0abd44.md, conflict copy, notes, Synced, 891 bytes, 5 minutes ago, laptop',
    );
    expect(row.textContent).toContain('df0abd44.md Conflict copy notes Synced');
  });
});
