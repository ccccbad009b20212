/**
 * Example 1, basic operations: create a file, update its metadata fields, update its content,
 * read it, delete it (a tombstone), and read it again. One device, no hub traffic.
 */
import { contentOf, expectOk, formatClock, short, type Workspace } from './support/workspace.js';

export interface BasicOperationsOutcome {
  readonly path: string;
  /** Fields after the metadata update. */
  readonly fieldsAfterUpdate: Readonly<Record<string, unknown>>;
  readonly contentHashAfterUpdate: string;
  readonly existsAfterDelete: boolean;
  /** The winning version after the delete is a tombstone (`value: null`). */
  readonly tombstone: boolean;
  /** Updating a deleted file is refused with this error code (a value, not an exception). */
  readonly updateAfterDeleteError: string | undefined;
  readonly eventsInLog: number;
}

export async function basicOperations(ws: Workspace): Promise<BasicOperationsOutcome> {
  const { print } = ws;
  const laptop = await ws.openDevice('laptop');
  const { crdt } = laptop;
  const path = 'notes/todo.md';
  print(`Device "laptop" keeps its events in ${laptop.store.description}.`);

  const created = expectOk(
    await crdt.createFileState(path, {
      content: contentOf('- buy milk\n'),
      fields: { mode: 0o644, tags: ['home'] },
    }),
    'createFileState',
  );
  print(
    `createFileState ${path}: exists=${created.exists}, content ${short(created.content)} ` +
      `(${created.content?.size} bytes), fields ${JSON.stringify(created.fields)}, ` +
      `vector clock ${formatClock(created.clock)}.`,
  );

  const tagged = expectOk(
    await crdt.updateFileState(path, { fields: { tags: ['home', 'urgent'] } }),
    'updateFileState (fields)',
  );
  print(
    `updateFileState with fields only: fields are now ${JSON.stringify(tagged.fields)}; ` +
      `content is still ${short(tagged.content)} (a metadata change is not a new version).`,
  );

  const edited = expectOk(
    await crdt.updateFileState(path, { content: contentOf('- buy milk\n- call Ana\n') }),
    'updateFileState (content)',
  );
  print(
    `updateFileState with new content: content ${short(tagged.content)} -> ${short(edited.content)}, ` +
      `vector clock ${formatClock(edited.clock)}.`,
  );

  const read = await crdt.getFileState(path);
  print(
    `getFileState ${path}: exists=${read?.exists}, content ${short(read?.content)}, ` +
      `last change by ${read?.lastChange?.nodeId} at hlc ${read?.lastChange?.hlc}.`,
  );

  const deleted = expectOk(await crdt.deleteFileState(path), 'deleteFileState');
  print(
    `deleteFileState ${path}: exists=${deleted.exists}; the winning version is a tombstone ` +
      `(value ${JSON.stringify(deleted.winner?.value)}), kept so other devices learn of the delete.`,
  );

  const afterDelete = await crdt.getFileState(path);
  print(
    `getFileState after the delete: exists=${afterDelete?.exists}, content ${short(afterDelete?.content)}, ` +
      `vector clock ${formatClock(afterDelete?.clock ?? {})}.`,
  );

  const refused = await crdt.updateFileState(path, { fields: { tags: [] } });
  const updateAfterDeleteError = refused.ok ? undefined : refused.error.code;
  print(
    `updateFileState on the deleted file is refused: ${refused.ok ? 'accepted?!' : `${refused.error.code}: ${refused.error.message}`}.`,
  );

  const eventsInLog = await laptop.store.countEvents(ws.spaceId);
  print(`The event log holds ${eventsInLog} events for this space (create, 2 updates, delete).`);

  return {
    path,
    fieldsAfterUpdate: tagged.fields,
    contentHashAfterUpdate: edited.content?.hash ?? '',
    existsAfterDelete: afterDelete?.exists ?? true,
    tombstone: afterDelete?.winner !== undefined && afterDelete.winner.value === null,
    updateAfterDeleteError,
    eventsInLog,
  };
}
