import { isNetGuardianError } from '../../../src-shared/errors.js';
import { hubUnreachableSentence } from '../../../src-shared/hubProblems.js';
import type { ListedDevice } from '../../../src-shared/hubProtocol/protocol.js';
import type { DeviceInfo, DevicesView } from '../../../src-shared/ipc/contract.js';
import type { HubRoster } from '../hubClient/hubRoster.js';
import type { SqlExecutor } from '../store/sqlClient.js';

/**
 * The devices of this space for the Devices screen: from the hub when this device syncs through a
 * hub service that answers (every paired device, with presence), else what this device knows
 * itself: every origin whose events it holds, "last seen" when its newest event reached this
 * store. This device is always listed.
 */
const SELECT_ORIGINS = `
SELECT o.node_id, (extract(epoch FROM e.created_at) * 1000)::float8 AS reached_ms
FROM crdt_origins o
LEFT JOIN crdt_events e ON e.space_id = o.space_id AND e.node_id = o.node_id AND e.seq = o.max_seq
WHERE o.space_id = $1
ORDER BY o.node_id`;

/**
 * The hub is asked while the screen waits: a hub that neither answers nor refuses within this long
 * counts as unreachable (the sync engine's own requests keep their longer timeouts).
 */
export const HUB_LIST_TIMEOUT_MS = 5_000;

export interface DeviceListContext {
  readonly db: SqlExecutor;
  readonly spaceId: string;
  readonly thisNode: string;
  readonly nameOf: (nodeId: string) => string;
  /** This device's last successful sync (ms), null if never. */
  readonly lastSyncAt: number | null;
}

export interface DevicesViewContext extends DeviceListContext {
  /** The hub this device syncs through (host:port), null when local only. */
  readonly hubAddress: string | null;
  /** Asks the hub for its list; undefined when the hub keeps no accounts (a PostgreSQL hub). */
  readonly roster: HubRoster | undefined;
  /** This device runs the hub it syncs through (see `DevicesView.manages`). */
  readonly manages: boolean;
  readonly timeoutMs?: number;
}

/** This device first, then the others by name. */
function inListOrder(devices: DeviceInfo[]): DeviceInfo[] {
  return devices.sort((a, b) =>
    a.thisDevice !== b.thisDevice ? (a.thisDevice ? -1 : 1) : a.name.localeCompare(b.name),
  );
}

/** What this device knows by itself: the origins of the events it holds. */
export async function listKnownDevices(ctx: DeviceListContext): Promise<DeviceInfo[]> {
  const rows = await ctx.db.query<{ node_id: string; reached_ms: number | null }>(SELECT_ORIGINS, [
    ctx.spaceId,
  ]);
  const seen = new Map(
    rows.map((r) => [r.node_id, r.reached_ms === null ? null : Number(r.reached_ms)]),
  );
  if (!seen.has(ctx.thisNode)) seen.set(ctx.thisNode, null);
  return inListOrder(
    [...seen].map(([nodeId, reached]) => {
      const thisDevice = nodeId === ctx.thisNode;
      const candidates = [reached, thisDevice ? ctx.lastSyncAt : null].filter(
        (t): t is number => t !== null,
      );
      return {
        nodeId,
        name: ctx.nameOf(nodeId),
        lastSeen: candidates.length > 0 ? Math.max(...candidates) : null,
        thisDevice,
        online: false,
      };
    }),
  );
}

/**
 * The hub's list as the screen shows it. This device's own name is its config's (it may have been
 * renamed since it paired); it just talked to the hub, so it counts as online. Should the hub not
 * list it (a hub restored from an older backup), it is added: the screen always shows it.
 */
export function devicesFromHub(
  listed: readonly ListedDevice[],
  ctx: Pick<DeviceListContext, 'thisNode' | 'nameOf'>,
  now: number,
): DeviceInfo[] {
  const devices = listed.map((d): DeviceInfo => {
    const thisDevice = d.nodeId === ctx.thisNode;
    const lastSeen = d.lastSeen === null ? null : Date.parse(d.lastSeen);
    return {
      nodeId: d.nodeId,
      name: thisDevice ? ctx.nameOf(d.nodeId) : d.deviceName,
      lastSeen: thisDevice ? now : lastSeen !== null && Number.isFinite(lastSeen) ? lastSeen : null,
      thisDevice,
      online: thisDevice || d.online,
    };
  });
  if (!devices.some((d) => d.thisDevice))
    devices.push({
      nodeId: ctx.thisNode,
      name: ctx.nameOf(ctx.thisNode),
      lastSeen: now,
      thisDevice: true,
      online: true,
    });
  return inListOrder(devices);
}

/** Why the hub's list could not be had, as the line under the Devices heading says it. */
function whyNotListed(address: string, e: unknown): string {
  if (isNetGuardianError(e)) {
    // A hub from before the devices route: it answers every unknown request so.
    if (e.code === 'NotFound')
      return `the hub at ${address} can't list its devices (it runs an older NetGuardian): update it`;
    return `the hub at ${address} did not list its devices: ${e.message}`;
  }
  const code = (e as { code?: unknown }).code;
  return hubUnreachableSentence(
    address,
    typeof code === 'string' ? code : undefined,
    e instanceof Error ? e.message : String(e),
  );
}

/** Rejects after `ms` with a timeout the hub sentences word as "did not answer in time". */
function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The Devices screen's list: the hub's when it answers, else this device's own knowledge. */
export async function devicesView(ctx: DevicesViewContext): Promise<DevicesView> {
  const { roster, hubAddress } = ctx;
  if (hubAddress !== null && roster !== undefined) {
    try {
      const listed = await withinTime(roster.list(), ctx.timeoutMs ?? HUB_LIST_TIMEOUT_MS);
      return {
        devices: devicesFromHub(listed, ctx, Date.now()),
        hub: 'listed',
        problem: null,
        manages: ctx.manages,
      };
    } catch (e) {
      return {
        devices: await listKnownDevices(ctx),
        hub: 'unlisted',
        problem: whyNotListed(hubAddress, e),
        manages: ctx.manages,
      };
    }
  }
  return {
    devices: await listKnownDevices(ctx),
    // A PostgreSQL hub (the older way) keeps no device accounts: nothing to ask.
    hub: hubAddress === null ? 'none' : 'unlisted',
    problem:
      hubAddress === null
        ? null
        : `the hub at ${hubAddress} is a database, not a NetGuardian hub: it keeps no list of devices (join a hub with an invite to see them all)`,
    manages: ctx.manages,
  };
}
