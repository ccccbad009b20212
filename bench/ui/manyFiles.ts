/**
 * A folder of many small files for the UI bench: `dNNN/fNNNNNN.txt` spread round robin over
 * folders of 1,000, each a few dozen bytes (the list's cost is per row, not per byte).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const PER_FOLDER = 1_000;
const WRITE_CONCURRENCY = 32;

export async function writeManyFiles(root: string, count: number): Promise<void> {
  const folders = Math.max(1, Math.ceil(count / PER_FOLDER));
  for (let d = 0; d < folders; d++)
    await mkdir(path.join(root, `d${String(d).padStart(3, '0')}`), { recursive: true });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const dir = `d${String(i % folders).padStart(3, '0')}`;
      const name = `f${String(i).padStart(6, '0')}.txt`;
      await writeFile(path.join(root, dir, name), `file ${i} of ${count}\n`);
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
}
