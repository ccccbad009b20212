/**
 * Event kinds are past tense in code and mapped to their stored names here,
 * and only here.
 */
export const STORED_EVENT_TYPES = {
  FileCreated: 'file_created',
  FileUpdated: 'file_updated',
  FileDeleted: 'file_deleted',
  ConflictResolved: 'conflict_resolved',
} as const;

export type EventKind = keyof typeof STORED_EVENT_TYPES;
export type StoredEventType = (typeof STORED_EVENT_TYPES)[EventKind];

const KIND_BY_STORED = new Map<string, EventKind>(
  (Object.entries(STORED_EVENT_TYPES) as [EventKind, StoredEventType][]).map(([k, s]) => [s, k]),
);

export const toStoredType = (kind: EventKind): StoredEventType => STORED_EVENT_TYPES[kind];
export const fromStoredType = (stored: string): EventKind | undefined => KIND_BY_STORED.get(stored);
export const STORED_TYPE_NAMES = Object.values(STORED_EVENT_TYPES);
