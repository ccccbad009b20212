import { describe, expect, it } from 'vitest';
import { unsyncableLines } from './printing.js';

describe("status: the files that can't sync", () => {
  it('prints nothing when every file syncs', () => {
    expect(unsyncableLines({ total: 0, files: [] })).toEqual([]);
  });

  it('prints one line per file (path — reason in words), quoting names with a tab or newline', () => {
    expect(
      unsyncableLines({
        total: 4,
        files: [
          { path: 'a\tb.txt', reason: 'special-file', message: 'm', side: 'local' },
          { path: 'docs/latest', reason: 'symlink', message: 'm', side: 'local' },
          { path: 'what?.txt', reason: 'name-not-allowed', message: 'm', side: 'remote' },
        ],
      }),
    ).toEqual([
      "4 files can't sync:",
      '  "a\\tb.txt" — is a special file (pipe, socket or device)',
      '  docs/latest — is a symbolic link',
      '  what?.txt — has a name this device cannot use (from another device)',
      '  … and 1 more',
    ]);
  });

  it('says "file" for one', () => {
    expect(
      unsyncableLines({
        total: 1,
        files: [{ path: 'big.iso', reason: 'too-large', message: 'm', side: 'local' }],
      })[0],
    ).toBe("1 file can't sync:");
  });
});
