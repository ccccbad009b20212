import { describe, expect, it } from 'vitest';
import { progressText } from './progress.js';

describe('progressText', () => {
  it('says done/total and the bytes', () => {
    expect(
      progressText({ label: 'Checking changed files', done: 120, total: 400, bytes: 3_355_443 }),
    ).toBe('Checking changed files: 120/400 (3.2 MiB)');
  });

  it('says a count so far while the total is unknown', () => {
    expect(
      progressText({ label: 'Looking for changes', done: 45_000, total: null, bytes: 0 }),
    ).toBe('Looking for changes: 45,000');
  });

  it('says the bytes alone for contents uploaded before any change was counted, never a bare 0', () => {
    expect(
      progressText({ label: 'Uploading file contents', done: 0, total: null, bytes: 191_889_408 }),
    ).toBe('Uploading file contents: 183.0 MiB');
  });
});
