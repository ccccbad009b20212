import { describe, expect, it } from 'vitest';
import { activityText, addedFileWords, addedWords } from './activityText.js';
import type { ActivityItem } from './ipc/contract.js';

const at = Date.UTC(2026, 11, 6, 20, 50);
const since = Date.UTC(2026, 11, 6, 20, 44);
const item = (message: string, count?: number): ActivityItem => ({
  id: 3,
  at,
  kind: 'error',
  message,
  ...(count === undefined ? {} : { repeats: { count, since } }),
});

describe('activityText', () => {
  it('says an item once as it is', () => {
    expect(activityText(item('notes.txt changed on laptop'))).toBe('notes.txt changed on laptop');
  });

  it('says a repeated failure once: since when and how often after what happened', () => {
    const unreachable =
      "Can't reach the hub at 127.0.0.1. NetGuardian keeps trying; check that the hub is running.";
    expect(activityText(item(unreachable, 7), () => '20:44')).toBe(
      "Can't reach the hub at 127.0.0.1 since 20:44 · 7 tries. NetGuardian keeps trying; check that the hub is running.",
    );
    expect(activityText(item('The disk is full.', 1214), () => '20:44')).toBe(
      'The disk is full since 20:44 · 1,214 tries',
    );
  });
});

describe('added: one verb for files put into the folder', () => {
  it('says what was added, files and folders apart, sizes and counts one way', () => {
    expect(addedWords({ files: 2, folders: 0, bytes: 2_970 }, 'Documents/Taxes')).toBe(
      'Added 2 files (2.9 KB) to Documents/Taxes',
    );
    expect(addedWords({ files: 1, folders: 1, bytes: 10 }, '')).toBe(
      'Added 1 file and 1 folder (10 bytes) to the synced folder',
    );
    expect(addedWords({ files: 2_801, folders: 61, bytes: 18 }, '/docs/')).toBe(
      'Added 2,801 files and 61 folders (18 bytes) to docs',
    );
    expect(addedWords({ files: 0, folders: 3, bytes: 0 }, 'a')).toBe(
      'Added 3 folders (0 bytes) to a',
    );
  });

  it('says an 18-byte file as 18 bytes, not 1 KB', () => {
    expect(addedFileWords('notes/todo.txt', 18)).toBe('Added notes/todo.txt (18 bytes)');
  });
});
