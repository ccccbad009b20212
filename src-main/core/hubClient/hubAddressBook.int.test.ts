import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { HUB_ADDRESSES_FILE, openHubAddressBook } from './hubAddressBook.js';

/** A device's list of its hub's other processes, kept in its data dir (a real folder). */

const PINNED = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);
let dir: TempDir;

beforeEach(async () => {
  dir = await makeTempDir('ng-hub-addresses-');
});
afterEach(async () => {
  await dir.cleanup();
});

/** Waits (bounded) until the file holds `addresses`: the book writes it in the background. */
async function fileHolds(addresses: string[]): Promise<unknown> {
  const file = path.join(dir.path, HUB_ADDRESSES_FILE);
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    last = await readFile(file, 'utf8').then(
      (t) => JSON.parse(t) as unknown,
      () => undefined,
    );
    if (
      JSON.stringify((last as { addresses?: unknown } | undefined)?.addresses) ===
      JSON.stringify(addresses)
    )
      return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  return last;
}

describe('the hub address book', () => {
  it('keeps what the hub told, valid addresses once each, and reads it back for the same hub', async () => {
    const book = await openHubAddressBook(dir.path, PINNED);
    expect(book.list()).toEqual([]);
    book.learn(['10.0.0.1:7443', 'not an address', '10.0.0.2:7443', '10.0.0.1:7443', '[::1]:7443']);
    expect(book.list()).toEqual(['10.0.0.1:7443', '10.0.0.2:7443', '[::1]:7443']);
    expect(await fileHolds(['10.0.0.1:7443', '10.0.0.2:7443', '[::1]:7443'])).toEqual({
      fingerprint: PINNED,
      addresses: ['10.0.0.1:7443', '10.0.0.2:7443', '[::1]:7443'],
    });
    expect((await stat(path.join(dir.path, HUB_ADDRESSES_FILE))).mode & 0o777).toBe(0o600);
    const again = await openHubAddressBook(dir.path, PINNED);
    expect(again.list()).toEqual(['10.0.0.1:7443', '10.0.0.2:7443', '[::1]:7443']);
  });

  it("never uses another hub's list, nor a garbled file", async () => {
    const book = await openHubAddressBook(dir.path, PINNED);
    book.learn(['10.0.0.1:7443']);
    await fileHolds(['10.0.0.1:7443']);
    expect((await openHubAddressBook(dir.path, OTHER)).list()).toEqual([]);
    await writeFile(path.join(dir.path, HUB_ADDRESSES_FILE), '{ not json');
    expect((await openHubAddressBook(dir.path, PINNED)).list()).toEqual([]);
  });
});
