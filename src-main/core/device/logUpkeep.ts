import { DAY_MS, DEFAULT_HISTORY_DAYS, type CompactionReport } from '../store/compaction.js';
import type { EventStore } from '../store/eventStore.js';
import { SyncLog } from '../store/syncLog.js';
import { childLogger, type Logger } from '../log.js';

/** How often a running device compacts its event log, and how long after it starts first. */
export const COMPACT_EVERY_MS = 6 * 3600_000;
const FIRST_AFTER_MS = 10 * 60_000;

export interface LogUpkeepOptions {
  readonly store: EventStore;
  readonly spaceId: string;
  /** This device: its own events are compacted only as far as its hub acknowledged them. */
  readonly nodeId: string;
  /** Read at each run: a settings change applies to the next one. */
  readonly historyDays: () => number | undefined;
  readonly now?: () => number;
  readonly log?: Logger | undefined;
}

/**
 * When a running device compacts its event log (store/compaction.ts does the compacting): ten
 * minutes after the daemon starts, off its busiest minutes, then every six hours. Versions
 * superseded longer ago than the history window leave the log. This device's own events go
 * only up to the seq its hub last acknowledged holding (the sync log's record of the hub's
 * frontier): an event the hub may still need is never deleted, and with no hub none of them is.
 * One run at a time; timers never keep the process alive.
 */
export class LogUpkeep {
  private readonly log: Logger;
  private first: NodeJS.Timeout | undefined;
  private every: NodeJS.Timeout | undefined;
  private running: Promise<CompactionReport | undefined> | undefined;
  private stopped = false;

  constructor(private readonly options: LogUpkeepOptions) {
    this.log = childLogger(options.log, 'log-compaction');
  }

  start(): void {
    if (this.stopped || this.every) return;
    this.first = setTimeout(() => void this.compact(), FIRST_AFTER_MS);
    this.every = setInterval(() => void this.compact(), COMPACT_EVERY_MS);
    this.first.unref();
    this.every.unref();
  }

  /** One run; asked for while one runs, it joins it. Undefined once stopped, or if it failed. */
  compact(): Promise<CompactionReport | undefined> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<CompactionReport | undefined> {
    if (this.stopped) return undefined;
    const { store, spaceId, nodeId } = this.options;
    const started = Date.now();
    try {
      const hub = await new SyncLog(store.client).lastPeerFrontier(spaceId);
      const days = this.options.historyDays() ?? DEFAULT_HISTORY_DAYS;
      const report = await store.compact(spaceId, {
        cutoffMs: (this.options.now ?? Date.now)() - days * DAY_MS,
        limits: { [nodeId]: hub?.[nodeId] ?? 0 },
      });
      if (report.pruned > 0)
        this.log.info({ ...report, ms: Date.now() - started }, 'event log compacted');
      return report;
    } catch (e) {
      // The next run tries again; the log only keeps more meanwhile.
      this.log.warn({ error: (e as Error).message }, 'compacting the event log failed');
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.first) clearTimeout(this.first);
    if (this.every) clearInterval(this.every);
    await this.running;
  }
}
