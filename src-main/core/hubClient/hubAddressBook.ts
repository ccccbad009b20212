import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { splitAddress } from '../../../src-shared/hubProtocol/inviteCode.js';
import { writeFileDurably } from '../files/durableFs.js';

/**
 * Where else a device's hub is reached: a hub may run as several processes on one database
 * (docs/ARCHITECTURE.md, "Several hub processes"), which tell devices their addresses
 * (`GET /v1/hub-addresses`). The device keeps the last list in `<dataDir>/hub-addresses.json`,
 * beside config.json's hub address (the one it paired with, which stays as it is), under the
 * fingerprint it pinned: a list learned from another hub is never used. Runtime state, not a
 * setting: the device rewrites it when the hub's list changes.
 */
export const HUB_ADDRESSES_FILE = 'hub-addresses.json';
/** Addresses kept at most (the hub tells at most 16). */
export const MAX_KNOWN_ADDRESSES = 16;

const fileSchema = z.strictObject({
  fingerprint: z.string(),
  addresses: z.array(z.string()).max(MAX_KNOWN_ADDRESSES),
});

/** The other addresses of a hub, as `HubConnection` uses them. */
export interface HubAlternates {
  /** The addresses known now, besides the one the connection was made for. */
  list(): readonly string[];
  /** The hub's current list (after each new connection). */
  learn(addresses: readonly string[]): void;
}

/** A hub's addresses, in memory only (tests, and a device that keeps none). */
export class MemoryAlternates implements HubAlternates {
  private known: readonly string[] = [];
  constructor(initial: readonly string[] = []) {
    this.known = cleanAddresses(initial);
  }
  list(): readonly string[] {
    return this.known;
  }
  learn(addresses: readonly string[]): void {
    this.known = cleanAddresses(addresses);
  }
}

/**
 * The addresses kept in `dataDir` for the hub pinned by `fingerprint`, loaded now; a missing,
 * unreadable or other hub's file is an empty list (the device still has its own address).
 */
export async function openHubAddressBook(
  dataDir: string,
  fingerprint: string,
): Promise<HubAlternates> {
  const file = path.join(dataDir, HUB_ADDRESSES_FILE);
  let initial: string[] = [];
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success && parsed.data.fingerprint === fingerprint) initial = parsed.data.addresses;
  } catch {
    // Absent or garbled: learned again at the next connection.
  }
  const memory = new MemoryAlternates(initial);
  let saving = Promise.resolve();
  return {
    list: () => memory.list(),
    learn(addresses) {
      const before = JSON.stringify(memory.list());
      memory.learn(addresses);
      if (JSON.stringify(memory.list()) === before) return;
      const text = JSON.stringify({ fingerprint, addresses: memory.list() }, null, 2) + '\n';
      // In turn, never failing the sync that learned it: the list is only a hint.
      saving = saving
        .then(() => writeFileDurably(file, text, { mode: 0o600 }))
        .catch(() => undefined);
    },
  };
}

/** Valid host:port addresses, each once, at most `MAX_KNOWN_ADDRESSES`. */
function cleanAddresses(addresses: readonly string[]): string[] {
  const valid = addresses.filter((a) => splitAddress(a).ok);
  return [...new Set(valid)].slice(0, MAX_KNOWN_ADDRESSES);
}
