// @vitest-environment jsdom
/**
 * Where focus goes (issue 16 point 8): to the new screen's heading when the screen changes, into
 * a panel when it opens, back where it came from when it closes, and Escape closes the panel.
 * The whole app does the same in Chromium (e2e/accessibility.spec.ts).
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useRef, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { usePanelFocus } from './usePanelFocus.js';
import { useScreenFocus } from './useScreenFocus.js';

afterEach(cleanup);

function Screens({ route }: { route: string }) {
  const main = useRef<HTMLElement>(null);
  useScreenFocus(route, main);
  return (
    <>
      <a href="#/other">Navigation link</a>
      <main ref={main} tabIndex={-1}>
        <h1>{route}</h1>
      </main>
    </>
  );
}

describe('useScreenFocus', () => {
  it('leaves focus alone on the first screen, then moves it to each new screen’s heading', () => {
    const { rerender } = render(<Screens route="Files" />);
    expect(document.activeElement).toBe(document.body);

    screen.getByText('Navigation link').focus();
    rerender(<Screens route="Devices" />);
    const heading = screen.getByRole('heading', { name: 'Devices' });
    expect(document.activeElement).toBe(heading);
    // Focusable by script only: no extra tab stop.
    expect(heading.tabIndex).toBe(-1);

    // The same screen drawn again takes nothing.
    screen.getByText('Navigation link').focus();
    rerender(<Screens route="Devices" />);
    expect(document.activeElement).toBe(screen.getByText('Navigation link'));
  });
});

function ListWithPanel() {
  const [open, setOpen] = useState(false);
  const panel = usePanelFocus<HTMLElement>(open, () => setOpen(false));
  return (
    <>
      <ul tabIndex={0} aria-label="Files" onClick={() => setOpen(true)}>
        <li>notes.txt</li>
      </ul>
      {open && (
        <aside ref={panel} tabIndex={-1} aria-label="Versions">
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
        </aside>
      )}
    </>
  );
}

describe('usePanelFocus', () => {
  const list = () => screen.getByRole('list', { name: 'Files' });
  const panel = () => screen.queryByRole('complementary', { name: 'Versions' });

  it('takes focus when the panel opens; Escape closes it and gives focus back to the list', () => {
    render(<ListWithPanel />);
    list().focus();
    fireEvent.click(screen.getByText('notes.txt'));
    expect(document.activeElement).toBe(panel());

    act(() => void fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' }));
    expect(panel()).toBeNull();
    expect(document.activeElement).toBe(list());
  });

  it('gives focus back to the list when its own Close button closes it', () => {
    render(<ListWithPanel />);
    list().focus();
    fireEvent.click(screen.getByText('notes.txt'));
    screen.getByRole('button', { name: 'Close' }).focus();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(panel()).toBeNull();
    expect(document.activeElement).toBe(list());
  });

  it('Escape closes the panel even when focus went back to the list', () => {
    render(<ListWithPanel />);
    list().focus();
    fireEvent.click(screen.getByText('notes.txt'));
    list().focus();
    fireEvent.keyDown(list(), { key: 'Escape' });
    expect(panel()).toBeNull();
    expect(document.activeElement).toBe(list());
  });
});
