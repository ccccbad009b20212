import type { DropPayload } from './types.js';

export interface DroppedFile {
  readonly file: File;
  /** Path relative to the drop, `/`-separated: `photos/2024/a.jpg`. */
  readonly relPath: string;
}

export interface DroppedTree {
  readonly files: readonly DroppedFile[];
  readonly folders: number;
}

const readAllEntries = async (dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> => {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
};

const fileOf = (entry: FileSystemFileEntry): Promise<File> =>
  new Promise((resolve, reject) => entry.file(resolve, reject));

const isDirectory = (entry: FileSystemEntry): entry is FileSystemDirectoryEntry =>
  entry.isDirectory;
const isFile = (entry: FileSystemEntry): entry is FileSystemFileEntry => entry.isFile;

/**
 * Every file under the dropped items, folders walked depth-first. Items without an entry
 * (browsers without webkitGetAsEntry) fall back to the plain File list, files only.
 */
export async function walkDrop(drop: DropPayload): Promise<DroppedTree> {
  const files: DroppedFile[] = [];
  let folders = 0;
  const visit = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const relPath = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (isDirectory(entry)) {
      folders += 1;
      for (const child of await readAllEntries(entry)) await visit(child, relPath);
    } else if (isFile(entry)) {
      files.push({ file: await fileOf(entry), relPath });
    }
  };
  const usable = drop.entries.filter((entry): entry is FileSystemEntry => entry !== null);
  if (usable.length === 0) {
    // A folder picked with the page's folder input names each file from the folder down.
    const relPaths = drop.files.map((file) => file.webkitRelativePath || file.name);
    const folders = new Set(
      relPaths.flatMap((rel) =>
        rel
          .split('/')
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
      ),
    );
    return {
      files: drop.files.map((file, i) => ({ file, relPath: relPaths[i] ?? file.name })),
      folders: folders.size,
    };
  }
  for (const entry of usable) await visit(entry, '');
  return { files, folders };
}

/** `targetDir` + relative path, without doubled or leading slashes. */
export const joinRel = (dir: string, rel: string): string =>
  [...dir.split('/'), ...rel.split('/')].filter((part) => part !== '').join('/');
