// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { joinRel, walkDrop } from './dropEntries.js';

/** Minimal FileSystemEntry fakes (what webkitGetAsEntry returns). */
const file = (name: string) =>
  ({
    name,
    isFile: true,
    isDirectory: false,
    file: (ok: (f: File) => void) => ok(new File([name], name)),
  }) as unknown as FileSystemEntry;
const dir = (name: string, children: FileSystemEntry[]) => {
  // readEntries answers in batches, then an empty one.
  const batches = [children.slice(0, 1), children.slice(1), []];
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => ({
      readEntries: (ok: (e: FileSystemEntry[]) => void) => ok(batches.shift() ?? []),
    }),
  } as unknown as FileSystemEntry;
};

describe('walking a drop', () => {
  it('lists every file under dropped folders with its relative path', async () => {
    const tree = await walkDrop({
      files: [],
      entries: [
        dir('photos', [file('a.jpg'), dir('2024', [file('b.jpg')]), file('c.jpg')]),
        file('notes.txt'),
      ],
    });
    expect(tree.files.map((f) => f.relPath)).toEqual([
      'photos/a.jpg',
      'photos/2024/b.jpg',
      'photos/c.jpg',
      'notes.txt',
    ]);
    expect(tree.folders).toBe(2);
  });

  it('falls back to the plain file list without entries', async () => {
    const f = new File(['x'], 'x.txt');
    const tree = await walkDrop({ files: [f], entries: [null] });
    expect(tree.files).toEqual([{ file: f, relPath: 'x.txt' }]);
  });

  it('keeps the tree of a folder picked with the folder input, counting its folders', async () => {
    // What a `webkitdirectory` input gives: each file named from the picked folder down.
    const picked = (rel: string) => {
      const f = new File([rel], rel.slice(rel.lastIndexOf('/') + 1));
      Object.defineProperty(f, 'webkitRelativePath', { value: rel });
      return f;
    };
    const tree = await walkDrop({
      files: [picked('album/a.jpg'), picked('album/2024/b.jpg'), picked('album/2024/c.jpg')],
      entries: [],
    });
    expect(tree.files.map((f) => f.relPath)).toEqual([
      'album/a.jpg',
      'album/2024/b.jpg',
      'album/2024/c.jpg',
    ]);
    expect(tree.folders).toBe(2);
  });

  it('joins the target folder without doubled slashes', () => {
    expect(joinRel('', 'a/b.txt')).toBe('a/b.txt');
    expect(joinRel('Docs/', '/a.txt')).toBe('Docs/a.txt');
  });
});
