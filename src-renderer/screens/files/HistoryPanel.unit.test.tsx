// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from '../../../src-shared/ipc/contract.js';
import { createFakeCore, type FakeCore } from '../../testing/fakeCore.js';
import { NOW } from '../../testing/fakeData.js';
import { renderWithStore } from '../../testing/renderWithStore.js';
import { HistoryPanel } from './HistoryPanel.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const PATH = 'Documents/list.txt';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** The panel open on PATH, with these versions (newest first) if given. */
async function openPanel(versions?: HistoryEntry[], core: FakeCore = createFakeCore()) {
  if (versions) core.histories.set(PATH, versions);
  const rendered = renderWithStore(<HistoryPanel />, { core });
  await act(async () => {
    await rendered.store.getState().loadHistory(PATH);
  });
  const panel = await screen.findByTestId('history-panel');
  await waitFor(() =>
    expect(within(panel).getAllByTestId('history-entry').length).toBeGreaterThan(0),
  );
  const rows = () => within(panel).getAllByTestId('history-entry');
  const summaryOf = (row: HTMLElement) =>
    row.querySelector('button.version-summary') as HTMLElement;
  return { ...rendered, panel, rows, summaryOf };
}

const entry = (over: Partial<HistoryEntry> & Pick<HistoryEntry, 'eventId'>): HistoryEntry => ({
  device: 'laptop',
  thisDevice: true,
  changedAt: NOW - 10 * MIN,
  size: 100,
  hash: over.eventId,
  deleted: false,
  current: false,
  kind: 'edited',
  ...over,
});

describe('Version history', () => {
  it('says what each version was, on which device, and when', async () => {
    const { rows } = await openPanel([
      entry({
        eventId: 'e6',
        kind: 'created',
        current: true,
        hash: 'a',
        sameAsEarlier: NOW - 3 * DAY,
        changedAt: NOW - 1 * MIN,
      }),
      entry({
        eventId: 'e5',
        kind: 'deleted',
        deleted: true,
        size: null,
        hash: null,
        device: 'desktop',
        thisDevice: false,
        changedAt: NOW - 2 * MIN,
      }),
      entry({
        eventId: 'e4',
        kind: 'resolved',
        hash: 'b',
        sameAsEarlier: NOW - 2 * DAY,
        changedAt: NOW - 3 * MIN,
      }),
      entry({
        eventId: 'e3',
        kind: 'edited',
        hash: 'a',
        sameAsEarlier: NOW - 3 * DAY,
        changedAt: NOW - 90 * MIN,
      }),
      entry({
        eventId: 'e2',
        kind: 'edited',
        hash: 'b',
        device: 'desktop',
        thisDevice: false,
        changedAt: NOW - 2 * DAY,
      }),
      entry({ eventId: 'e1', kind: 'created', hash: 'a', size: 2_048, changedAt: NOW - 3 * DAY }),
    ]);
    expect(rows().map((r) => r.querySelector('.version-kind')?.textContent)).toEqual([
      'Restored from',
      'Deleted',
      'Conflict resolved, keeping the version from',
      'Restored from',
      'Edited',
      'Added',
    ]);
    // "Restored from" names the earlier version's time, as a real date.
    const [restored, deleted, , , edited, added] = rows();
    const times = (row: HTMLElement | undefined) =>
      [...(row?.querySelectorAll('time') ?? [])].map((t) => t.getAttribute('datetime'));
    expect(times(restored)).toEqual(['2025-05-11T09:30:00.000Z', '2025-05-14T09:29:00.000Z']);
    expect(restored?.textContent).toContain('Current');
    // Which device: this one said so, another by its name.
    expect(restored?.querySelector('.history-device')?.textContent).toBe('laptop (this device)');
    expect(deleted?.querySelector('.history-device')?.textContent).toBe('desktop');
    expect(edited?.querySelector('.history-device')?.textContent).toBe('desktop');
    // When: the real time, and how long ago.
    expect(times(edited)).toEqual(['2025-05-12T09:30:00.000Z']);
    expect(edited?.textContent).toContain('(2 days ago)');
    expect(added?.textContent).toContain('2.0 KB');
    // A deletion has no size and nothing to restore.
    expect(deleted?.textContent).not.toMatch(/bytes|KB/);
    expect(within(deleted!).queryByRole('button', { name: /Restore/ })).toBeNull();
    // Restore is offered only where it would change the file: not the current version, not a
    // deletion, not one with the current content.
    expect(
      rows().map((r) => within(r).queryByRole('button', { name: /^Restore the version/ }) !== null),
    ).toEqual([false, false, true, false, true, false]);
  });

  it('compares a selected text version with the current one, line by line', async () => {
    const core = createFakeCore();
    core.contents[`${PATH}#3`] = {
      kind: 'text',
      text: 'Shopping\n- milk\n- eggs\n',
      truncated: false,
    };
    core.contents[`${PATH}#2`] = {
      kind: 'text',
      text: 'Shopping\n- milk\n- bread\n',
      truncated: false,
    };
    const { rows, summaryOf } = await openPanel(undefined, core);
    const older = rows()[1]!;
    expect(summaryOf(older).getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(summaryOf(older));
    expect(summaryOf(older).getAttribute('aria-expanded')).toBe('true');
    const diff = await within(older).findByTestId('version-diff');
    const lines = [...diff.querySelectorAll('.diff-line')].map((l) => [l.className, l.textContent]);
    expect(lines).toEqual([
      ['diff-line diff-same', ' Shopping'],
      ['diff-line diff-same', ' - milk'],
      ['diff-line diff-a', '−- bread'],
      ['diff-line diff-b', '+- eggs'],
    ]);
    expect(diff.querySelector('figcaption')?.textContent).toMatch(
      /− only in the version from .*\+ only in the current version/,
    );
    expect(core.callsOf('conflicts:content')).toEqual([
      { path: PATH, eventId: `${PATH}#2` },
      { path: PATH, eventId: `${PATH}#3` },
    ]);
    // A second click closes it.
    fireEvent.click(summaryOf(older));
    expect(within(older).queryByTestId('version-compare')).toBeNull();
  });

  it('folds long runs of unchanged lines', async () => {
    const core = createFakeCore();
    const body = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');
    core.contents[`${PATH}#3`] = { kind: 'text', text: `${body(10)}\nnew end\n`, truncated: false };
    core.contents[`${PATH}#2`] = { kind: 'text', text: `${body(10)}\nold end\n`, truncated: false };
    const { rows, summaryOf } = await openPanel(undefined, core);
    fireEvent.click(summaryOf(rows()[1]!));
    const diff = await within(rows()[1]!).findByTestId('version-diff');
    expect([...diff.querySelectorAll('.diff-line')].map((l) => l.textContent)).toEqual([
      '  … 8 unchanged lines',
      ' line 9',
      ' line 10',
      '−old end',
      '+new end',
    ]);
  });

  it('says so instead of diffing content that is the same, a deletion, binary, too large, or an image', async () => {
    const core = createFakeCore();
    core.histories.set(PATH, [
      entry({ eventId: 'now', current: true, hash: 'c' }),
      entry({ eventId: 'same', hash: 'c' }),
      entry({ eventId: 'gone', kind: 'deleted', deleted: true, size: null, hash: null }),
      entry({ eventId: 'bin', hash: 'd' }),
      entry({ eventId: 'big', hash: 'e' }),
      entry({ eventId: 'pic', hash: 'f' }),
      entry({ eventId: 'lost', hash: 'g' }),
    ]);
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    core.contents['now'] = { kind: 'image', mime: 'image/png', base64: png };
    core.contents['bin'] = { kind: 'binary', size: 2_048 };
    core.contents['big'] = { kind: 'text', text: 'x'.repeat(100), truncated: true };
    core.contents['pic'] = { kind: 'image', mime: 'image/png', base64: png };
    const { rows, summaryOf } = await openPanel(undefined, core);
    const compareOf = async (i: number) => {
      const row = rows()[i]!;
      fireEvent.click(summaryOf(row));
      const box = await within(row).findByTestId('version-compare');
      await waitFor(() => expect(box.textContent).not.toContain('Loading'));
      return box;
    };
    expect((await compareOf(0)).textContent).toBe(
      'This is the current version: the file as it is now.',
    );
    expect((await compareOf(1)).textContent).toBe('Same content as the current version.');
    expect((await compareOf(2)).textContent).toBe(
      'This version is the file’s deletion: there is no content to show.',
    );
    // Binary against an image: neither diffed; the binary one says why.
    const bin = await compareOf(3);
    expect(bin.textContent).toContain(
      'This version is a binary file (2.0 KB), which can’t be compared as text.',
    );
    expect(bin.querySelectorAll('img')).toHaveLength(1);
    const big = await compareOf(4);
    expect(big.textContent).toContain('too large to compare line by line');
    // Two images side by side, each named.
    const pic = await compareOf(5);
    expect([...pic.querySelectorAll('img')].map((i) => i.getAttribute('alt'))).toEqual([
      expect.stringMatching(/^The version from /),
      'The current version',
    ]);
    expect(pic.querySelector('[data-testid="version-diff"]')).toBeNull();
    // A version no copy of is left: the core's reason (the fake's words here).
    expect((await compareOf(6)).textContent).toContain(
      'This version is not readable here: This version is no longer stored.',
    );
    // Same content and a deletion were never read.
    expect(core.callsOf('conflicts:content').map((c) => c.eventId)).not.toContain('same');
    expect(core.callsOf('conflicts:content').map((c) => c.eventId)).not.toContain('gone');
  });

  it('says "Version restored" only once the history shows the restored version as current', async () => {
    const core = createFakeCore();
    const { rows, panel } = await openPanel(undefined, core);
    // Hold the history's reload after the restore.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    core.gate = (channel) => (channel === 'history:get' ? held : Promise.resolve());
    fireEvent.click(
      within(rows()[1]!).getByRole('button', { name: /Restore the version from desktop/ }),
    );
    fireEvent.click(within(panel).getByRole('button', { name: 'Yes, restore it' }));
    await waitFor(() => expect(core.callsOf('history:get')).toHaveLength(2));
    // The core answered restored: true, but the history doesn't show it yet: nothing said.
    expect(within(panel).getByRole('button', { name: 'Restoring…' })).toBeTruthy();
    expect(within(panel).queryByText(/Version restored/)).toBeNull();
    release();
    expect((await within(panel).findByRole('status')).textContent).toBe(
      'Version restored: it is the current file now, and your other devices get it when they sync.',
    );
    expect(rows()).toHaveLength(4);
    expect(rows()[0]?.querySelector('.version-kind')?.textContent).toBe('Restored from');
    expect(rows()[0]?.textContent).toContain('Current');
  });

  it('says the restore failed, in its words, and never that it was restored', async () => {
    const core = createFakeCore();
    core.failing['history:restore'] = {
      code: 'NotFound',
      message: 'version 2 of Documents/list.txt is no longer stored anywhere this device can reach',
    };
    const { rows, panel } = await openPanel(undefined, core);
    fireEvent.click(
      within(rows()[1]!).getByRole('button', { name: /Restore the version from desktop/ }),
    );
    fireEvent.click(within(panel).getByRole('button', { name: 'Yes, restore it' }));
    expect((await within(panel).findByRole('alert')).textContent).toContain(
      'is no longer stored anywhere this device can reach',
    );
    expect(within(panel).queryByText(/Version restored/)).toBeNull();
    expect(rows()).toHaveLength(3);
  });

  it('says when the history read again shows another version than the one restored', async () => {
    const core = createFakeCore();
    const { rows, panel } = await openPanel(undefined, core);
    // Someone's newer edit lands between the restore and the reload.
    core.gate = (channel) => {
      if (channel === 'history:get')
        core.histories.set(PATH, [
          entry({
            eventId: 'newer',
            current: true,
            hash: 'z',
            device: 'desktop',
            thisDevice: false,
          }),
          ...(core.histories.get(PATH) ?? []).map((e) => ({ ...e, current: false })),
        ]);
      return Promise.resolve();
    };
    fireEvent.click(
      within(rows()[1]!).getByRole('button', { name: /Restore the version from desktop/ }),
    );
    fireEvent.click(within(panel).getByRole('button', { name: 'Yes, restore it' }));
    expect((await within(panel).findByRole('alert')).textContent).toBe(
      'The version was restored, but the file has changed again since: its newest version is first in the list.',
    );
    expect(within(panel).queryByText(/Version restored/)).toBeNull();
  });

  it('offers no Restore for a version whose bytes are nowhere this device can reach, and says why', async () => {
    const { rows } = await openPanel([
      entry({ eventId: 'now', current: true, kind: 'edited' }),
      entry({ eventId: 'kept', kind: 'edited', changedAt: NOW - 2 * DAY }),
      entry({ eventId: 'gone', kind: 'created', changedAt: NOW - 3 * DAY, restorable: false }),
    ]);
    expect(within(rows()[1]!).getByRole('button', { name: /^Restore the version/ })).toBeTruthy();
    expect(within(rows()[2]!).queryByRole('button', { name: /^Restore the version/ })).toBeNull();
    expect(within(rows()[2]!).getByTestId('version-not-kept').textContent).toBe(
      'Not kept on this device, and there is no hub to ask: it can’t be restored.',
    );
  });
});
