import { checkDeviceName } from '../../src-shared/deviceName.js';
import type { ErrorInfo } from '../../src-shared/errors.js';
import type {
  AppState,
  Channel,
  ConflictInfo,
  ContractClient,
  DevicesView,
  FileRow,
  HistoryEntry,
  PushMessage,
  RequestOf,
  ResponseOf,
  SettingsView,
  VersionContent,
} from '../../src-shared/ipc/contract.js';
import { decodeInvite } from '../../src-shared/hubProtocol/inviteCode.js';
import type { UnsyncableFiles } from '../../src-shared/unsyncable.js';
import { RemoteError } from '../transport/remoteError.js';
import type { ConnectionStatus, RendererTransport, Uploader } from '../transport/types.js';
import * as data from './fakeData.js';

/**
 * An in-memory core behind the contract, for component and store tests: it answers every
 * channel from realistic data, records each call, and pushes only when a test says so (so a
 * test can check what the screen shows before and after the core's push).
 */
export interface FakeCore extends ContractClient {
  readonly calls: { channel: Channel; payload: unknown }[];
  state: AppState;
  files: FileRow[];
  conflicts: ConflictInfo[];
  settings: SettingsView;
  unsyncable: UnsyncableFiles;
  /** What `devices:list` answers; `devices:remove` takes a device out of it. */
  devices: DevicesView;
  /** Each file's versions, newest first, as `history:get` answers (made from fakeData on first ask). */
  histories: Map<string, HistoryEntry[]>;
  /** What `conflicts:content` answers for a version, by event id (fakeData's to start). */
  contents: Record<string, VersionContent>;
  /** Awaited before each answer: a test can hold a call back to reorder answers. */
  gate: (channel: Channel, payload: unknown) => Promise<void>;
  /** Make every call of this channel fail with this error until cleared. */
  failing: Partial<Record<Channel, ErrorInfo>>;
  push(message: PushMessage): void;
  callsOf<C extends Channel>(channel: C): RequestOf<C>[];
}

/** The fake answers synchronously; `call` makes it a promise like the real transports. */
type SyncHandlers = { [C in Channel]: (payload: RequestOf<C>) => ResponseOf<C> };

/** `flat`: every file at the top of the folder (`makeFlatFiles`), for paging tests. */
export function createFakeCore(options: { files?: number; flat?: boolean } = {}): FakeCore {
  const listeners = new Set<(message: PushMessage) => void>();
  const core: Omit<FakeCore, 'call' | 'listen'> = {
    calls: [],
    state: data.appState(),
    files: (options.flat ? data.makeFlatFiles : data.makeFiles)(options.files ?? 120),
    conflicts: data.conflicts(),
    settings: data.settings(),
    unsyncable: data.unsyncable(),
    devices: data.devices(),
    histories: new Map(),
    contents: { ...data.contents },
    failing: {},
    gate: () => Promise.resolve(),
    push: (message) => listeners.forEach((listener) => listener(message)),
    callsOf: <C extends Channel>(channel: C) =>
      core.calls.filter((c) => c.channel === channel).map((c) => c.payload as RequestOf<C>),
  };

  const historyOf = (path: string): HistoryEntry[] => {
    const known = core.histories.get(path) ?? data.history(path);
    core.histories.set(path, known);
    return known;
  };
  /** What `files:trash` took, by trash id. */
  const trash = new Map<string, FileRow[]>();
  const handlers: SyncHandlers = {
    'state:get': () => core.state,
    'device:status': () => ({
      deviceName: core.state.deviceName,
      nodeId: 'laptop-0000',
      folder: core.settings.folder,
      spaceId: 'default',
      files: core.state.files,
      folders: 0,
      conflicts: core.state.conflicts,
      held: 0,
      pendingDownload: core.state.pending.download,
      folderPresent: core.state.phase !== 'folder-missing',
      folderProblem: core.state.phase === 'folder-missing' ? 'missing' : null,
      watcherProblem: null,
      paused: core.state.paused,
      running: true,
      hub: null,
      unsyncable: core.unsyncable,
      state: {
        phase: core.state.phase,
        headline: core.state.headline,
        detail: core.state.detail,
      },
    }),
    'files:unsyncable': () => core.unsyncable,
    'files:list': ({ query, offset, limit, after, folder, sort, descending }) => {
      const q = query.toLowerCase();
      const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
      // As the core answers (fileList.ts): a folder's children, folders first, keyed `f0:`/`f1:`;
      // a search under a folder, or every path, in path order, keyed `p:`.
      const children = folder !== undefined && q === '';
      const under =
        folder === undefined || folder === ''
          ? core.files
          : core.files.filter((f) => f.path.startsWith(`${folder}/`));
      const matching = children
        ? core.files
            .filter((f) => parentOf(f.path) === folder)
            .sort((a, b) =>
              a.kind !== b.kind ? (a.kind === 'dir' ? -1 : 1) : a.path < b.path ? -1 : 1,
            )
        : q === ''
          ? under
          : under.filter((f) => f.path.toLowerCase().includes(q));
      const keyOf = (f: FileRow) =>
        children ? `${f.kind === 'dir' ? 'f0' : 'f1'}:${f.path}` : `p:${f.path}`;
      // Another order than by name from A pages by offset (fileList.ts `sortedPage`).
      const keyed = (sort ?? 'name') === 'name' && descending !== true;
      const sign = descending === true ? -1 : 1;
      const value = (f: FileRow) =>
        sort === 'size' ? f.size : sort === 'modified' ? (f.modifiedAt ?? 0) : 0;
      const ordered = keyed
        ? matching
        : [...matching].sort(
            (a, b) =>
              (children && a.kind !== b.kind ? (a.kind === 'dir' ? -1 : 1) : 0) ||
              sign * (value(a) - value(b)) ||
              sign * (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
          );
      const start =
        after === undefined || !keyed ? offset : ordered.findIndex((f) => keyOf(f) === after) + 1;
      const rows = ordered.slice(start, start + limit);
      const more = keyed && start + limit < ordered.length;
      const last = rows.at(-1);
      return {
        total: matching.length,
        offset: start,
        rows,
        next: more && last ? keyOf(last) : null,
      };
    },
    'conflicts:list': () => core.conflicts,
    'conflicts:content': ({ eventId }) =>
      core.contents[eventId] ?? {
        kind: 'unavailable',
        reason: 'This version is no longer stored.',
      },
    'conflicts:resolve': ({ items }) => {
      const results = items.map(({ path }) => {
        const known = core.conflicts.some((c) => c.path === path);
        return known
          ? { path, ok: true }
          : { path, ok: false, error: 'This file has no conflict.' };
      });
      // The core's list changes at once; the screen learns it from the push a test sends.
      core.conflicts = core.conflicts.filter((c) => !items.some((i) => i.path === c.path));
      return { results };
    },
    'history:get': ({ path }) => historyOf(path),
    // As the core does (restoreVersion.ts): a new current version with the old one's content.
    'history:restore': ({ path, eventId }) => {
      const versions = historyOf(path);
      const version = versions.find((v) => v.eventId === eventId);
      if (!version || version.hash === null)
        throw new RemoteError({ code: 'NotFound', message: `${path} has no version ${eventId}` });
      const current = versions.find((v) => v.current);
      if (current?.hash === version.hash) return { restored: false };
      const earliest = [...versions].reverse().find((v) => v.hash === version.hash) ?? version;
      core.histories.set(path, [
        {
          ...version,
          eventId: `${path}#${versions.length + 1}`,
          device: core.state.deviceName,
          thisDevice: true,
          changedAt: Date.now(),
          current: true,
          kind: 'edited',
          sameAsEarlier: earliest.changedAt,
        },
        ...versions.map((v) => ({ ...v, current: false })),
      ]);
      if (core.contents[eventId])
        core.contents[`${path}#${versions.length + 1}`] = core.contents[eventId];
      return { restored: true };
    },
    'history:restoreDeleted': () => ({ restored: ['notes/a.txt', 'notes/b.txt'], skipped: [] }),
    'devices:list': () => core.devices,
    'devices:remove': ({ nodeId }) => {
      // The core's refusals, in its words: only the hub's computer removes, never itself.
      if (!core.devices.manages)
        throw new RemoteError({
          code: 'AccessDenied',
          message:
            'only the computer that runs the hub can remove devices: remove it there (a device can also leave the hub itself, in its Settings)',
        });
      if (core.devices.devices.find((d) => d.nodeId === nodeId)?.thisDevice)
        throw new RemoteError({
          code: 'InvalidArgument',
          message: 'this is this device: to stop syncing it, leave the hub in Settings',
        });
      core.devices = {
        ...core.devices,
        devices: core.devices.devices.filter((d) => d.nodeId !== nodeId),
      };
      return core.devices;
    },
    'activity:list': () => data.activity(),
    'settings:get': () => core.settings,
    'settings:update': (patch) => {
      // The real rule, as the core applies it: a name is kept without the spaces around it.
      const name = patch.deviceName === undefined ? null : checkDeviceName(patch.deviceName);
      if (name && !name.ok)
        throw new RemoteError({
          code: 'InvalidArgument',
          message: name.message,
          field: 'deviceName',
        });
      core.settings = {
        ...core.settings,
        ...patch,
        ...(name?.ok ? { deviceName: name.name } : {}),
      };
      return core.settings;
    },
    'folder:move': ({ to }) => {
      core.settings = { ...core.settings, folder: to };
      return core.settings;
    },
    'hub:test': () => ({
      ok: false,
      message: 'This app pairs with hubs by invite.',
      latencyMs: null,
    }),
    'hub:join': ({ code }) => {
      // The real decoder: a garbled code is refused in its words, as the core would.
      const invite = decodeInvite(code);
      if (!invite.ok) throw new RemoteError(invite.error.toInfo());
      core.settings = { ...core.settings, hub: { address: invite.value.address, runsHere: false } };
      return core.settings;
    },
    'hub:leave': () => {
      core.settings = { ...core.settings, hub: null };
      return core.settings;
    },
    'hub:create': () => {
      core.settings = { ...core.settings, hub: { address: '192.168.1.20:7443', runsHere: true } };
      return core.settings;
    },
    'hub:invite': ({ expiresInMs }) => ({
      code: data.INVITE_CODE,
      expiresAt: new Date(Date.parse('2026-03-01T12:00:00Z') + expiresInMs).toISOString(),
    }),
    'sync:now': () => ({ started: true }),
    'sync:run': () => ({
      scanned: { created: 0, updated: 0, deleted: 0 },
      synced: false,
      sent: 0,
      received: 0,
      held: 0,
      error: null,
      folderProblem: null,
    }),
    'sync:pause': ({ paused }) => ({ paused }),
    'files:import': ({ paths }) => ({
      files: paths.length,
      folders: 0,
      bytes: 1_024 * paths.length,
    }),
    'folder:open': ({ path }) => ({ opened: true, path: path ?? core.settings.folder }),
    'folder:attach': () => ({
      outcome: 'already',
      refusal: null,
      message: `${core.settings.folder} is attached already`,
      indexedFiles: 0,
      missingFiles: 0,
    }),
    'trash:list': () => ({
      items: [],
      count: 3,
      bytes: 3 * 1_048_576,
      limits: { maxAgeDays: 30, maxPercent: 10, maxBytes: 52_428_800 },
    }),
    'trash:empty': () => ({ removed: 0, removedBytes: 0, left: 3, leftBytes: 3 * 1_048_576 }),
    // The shell's dialog, picking two files and a folder (shell/filePicker.ts).
    'files:pick': () => ({ canceled: false, files: 2, folders: 1, bytes: 3_000 }),
    'files:open': () => ({ opened: true, message: null }),
    // As the core does (fileActions.ts): in place, never over a taken name; a folder with what
    // it holds; the trash keeps what it took by id until it is put back.
    'files:rename': ({ path, name }) => {
      const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
      const to = `${parent}${name.trim()}`;
      if (to !== path && core.files.some((f) => f.path === to))
        throw new RemoteError({
          code: 'DuplicatePath',
          message: `There is already something called “${name.trim()}” in ${parent.slice(0, -1) || 'the folder'}; nothing was renamed.`,
          field: 'name',
        });
      core.files = core.files
        .map((f) =>
          f.path === path || f.path.startsWith(`${path}/`)
            ? { ...f, path: to + f.path.slice(path.length) }
            : f,
        )
        .sort((a, b) => (a.path < b.path ? -1 : 1));
      return { path: to };
    },
    'files:trash': ({ paths }) => {
      const trashed = paths.flatMap((path) => {
        const taken = core.files.filter((f) => f.path === path || f.path.startsWith(`${path}/`));
        if (taken.length === 0) return [];
        const id = `20260301-120000-${String(trash.size).padStart(8, '0')}`;
        trash.set(id, taken);
        core.files = core.files.filter((f) => !taken.includes(f));
        return [{ path, id }];
      });
      const failed = paths
        .filter((p) => !trashed.some((t) => t.path === p))
        .map((path) => ({ path, reason: `${path} is no longer in the folder` }));
      return { trashed, failed };
    },
    'trash:restore': ({ ids }) => {
      const restored = ids.flatMap((id) => {
        const rows = trash.get(id);
        trash.delete(id);
        core.files = [...core.files, ...(rows ?? [])].sort((a, b) => (a.path < b.path ? -1 : 1));
        return rows?.[0] ? [rows[0].path] : [];
      });
      return { restored, failed: [] };
    },
  };

  return Object.assign(core, {
    async call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
      core.calls.push({ channel, payload });
      await core.gate(channel, payload);
      const failure = core.failing[channel];
      if (failure) throw new RemoteError(failure);
      const handler = handlers[channel] as (p: RequestOf<C>) => ResponseOf<C>;
      return handler(payload);
    },
    listen(listener: (message: PushMessage) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  });
}

/** A transport around the fake core; `upload` records drops and reports them copied. */
export function fakeTransport(
  core: FakeCore,
  upload: Uploader = (drop) =>
    Promise.resolve({ files: drop.files.length, folders: 0, bytes: 2_048 }),
): RendererTransport & { setConnection(status: ConnectionStatus): void } {
  let status: ConnectionStatus = 'online';
  const listeners = new Set<(status: ConnectionStatus) => void>();
  return {
    kind: 'headless',
    client: core,
    upload,
    connection: () => status,
    onConnectionChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    setConnection(next) {
      status = next;
      listeners.forEach((listener) => listener(next));
    },
  };
}
