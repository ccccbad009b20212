/**
 * Names of devices for people. A node id is made from the device's name when
 * it was set up ("Anna's Laptop" → `annas-laptop-1a2b3c4d`, see deviceIdentity.ts),
 * so another device's name is read back from its id; this device's own name
 * comes from its config.
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

export function createNameBook(thisNode: string, thisName: () => string): NameBook {
  return {
    thisNode,
    nameOf: (nodeId) => (nodeId === thisNode ? thisName() : nameFromNodeId(nodeId)),
  };
}
