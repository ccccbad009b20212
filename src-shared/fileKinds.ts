import type { ContentRef } from './events/event.js';

/**
 * Directories are entities too (so empty folders sync and a folder delete
 * propagates). Their content is this fixed marker, distinct from any file's
 * SHA-256 in practice (it is the hash of a string no file sync writes alone).
 */
export const DIRECTORY_HASH = 'ecba345e8643bf1030c5bdc3331882db40851e7d8759dba8c3b04cbeb3c0a887';

export const DIRECTORY_CONTENT: ContentRef = { hash: DIRECTORY_HASH, size: 0 };

export const isDirectoryContent = (c: ContentRef | null | undefined): boolean =>
  c?.hash === DIRECTORY_HASH && c.size === 0;
