// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ProgressBar } from './ProgressBar.js';

afterEach(cleanup);

const textOf = () => screen.getByRole('progressbar').getAttribute('aria-valuetext');

describe('ProgressBar', () => {
  it('says done of total, with the bytes', () => {
    render(<ProgressBar progress={{ label: 'Sending', done: 3, total: 10, bytes: 2048 }} />);
    expect(textOf()).toBe('3 of 10 · 2.0 KB');
  });

  it('says a count so far while the total is unknown', () => {
    render(<ProgressBar progress={{ label: 'Looking', done: 1200, total: null, bytes: 0 }} />);
    expect(textOf()).toBe('1,200 so far');
  });

  it('says the bytes uploaded before any change was counted, not "0 so far"', () => {
    render(
      <ProgressBar
        progress={{ label: 'Uploading file contents', done: 0, total: null, bytes: 191_889_408 }}
      />,
    );
    expect(textOf()).toBe('183 MB so far');
  });
});
