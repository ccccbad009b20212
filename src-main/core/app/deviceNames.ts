/**
 * Names of devices for people. A node id is made from the device's name when
 * it was set up ("Anna's Laptop" → `annas-laptop-1a2b3c4d`, see deviceIdentity.ts),
 * so another device's name is read back from its id; this device's own name
 * comes from its config. A device renamed since (Settings) told its hub: where the
 * hub lists the space's devices, its names win over the ids' (`peers`).
 */
const RANDOM_SUFFIX = /-[0-9a-f]{8}$/;

export function nameFromNodeId(nodeId: string): string {
  const base = nodeId.replace(RANDOM_SUFFIX, '');
  return base === '' || base === 'dev' ? nodeId : base;
}

export interface NameBook {
  readonly thisNode: string;
  readonly nameOf: (nodeId: string) => string;
}

/** The hub's list of the space's devices (`HubRoster`), as far as names go. */
export interface PeerNames {
  list(): Promise<readonly { readonly nodeId: string; readonly deviceName: string }[]>;
}

export interface NameBookOptions {
  /** The hub's list now; undefined without a hub service. */
  readonly peers?: () => Promise<PeerNames | undefined>;
  /** How old the hub's names may get before a lookup asks again (default a minute). */
  readonly refreshMs?: number;
  readonly now?: () => number;
}

/**
 * `nameOf` answers at once from what it knows, and, when the hub's names are older than
 * `refreshMs`, asks the hub again in the background: a rename shows on the next lookups. A hub
 * that can't be reached leaves the names as they were.
 */
export function createNameBook(
  thisNode: string,
  thisName: () => string,
  options: NameBookOptions = {},
): NameBook {
  const known = new Map<string, string>();
  const refreshMs = options.refreshMs ?? 60_000;
  const now = options.now ?? Date.now;
  let askedAt = -Infinity;
  let asking = false;

  const refresh = () => {
    if (!options.peers || asking || now() - askedAt < refreshMs) return;
    asking = true;
    askedAt = now();
    options
      .peers()
      .then((peers) => peers?.list())
      .then((listed) => {
        if (!listed) return;
        known.clear();
        for (const device of listed) known.set(device.nodeId, device.deviceName);
      })
      .catch(() => undefined)
      .finally(() => {
        asking = false;
      });
  };

  return {
    thisNode,
    nameOf: (nodeId) => {
      if (nodeId === thisNode) return thisName();
      refresh();
      return known.get(nodeId) ?? nameFromNodeId(nodeId);
    },
  };
}
