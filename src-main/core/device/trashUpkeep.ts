import type { Materializer, MaterializeReport } from '../files/materializer.js';
import type { Trash } from '../files/trash.js';
import type { TrashLimits } from '../files/trashPolicy.js';
import { pruneTrash, type RemovalReport } from '../files/trashRetention.js';
import { childLogger, type Logger } from '../log.js';

/**
 * When a running device prunes its trash (trashRetention.ts does the pruning): once at daemon
 * start, then every hour, and soon after materializer runs that moved or replaced many files (a
 * large addition need not wait for the hour). One prune at a time; timers never keep the process
 * alive.
 */

export const PRUNE_EVERY_MS = 3_600_000;
/** Files moved to the trash or replaced (a copy kept) since the last prune that bring one forward. */
export const LARGE_ADDITION = 100;
/** How soon after a large addition: the run that made it has usually more to write. */
const SOON_MS = 30_000;

export interface TrashUpkeepOptions {
  readonly trash: Trash;
  /** Read at each prune: a settings change applies to the next one. */
  readonly limits: () => TrashLimits;
  /** The synced folder's size, the basis of the size limit. */
  readonly folderBytes: () => Promise<number>;
  readonly now?: () => number;
  readonly log?: Logger | undefined;
}

export class TrashUpkeep {
  private readonly log: Logger;
  private every: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<RemovalReport | undefined> | undefined;
  /** Files trashed or replaced since the last prune began. */
  private added = 0;
  private stopped = false;

  constructor(private readonly options: TrashUpkeepOptions) {
    this.log = childLogger(options.log, 'trash');
  }

  /** Prunes now (resolves when done), then every hour until `stop`. */
  async start(): Promise<void> {
    if (this.stopped || this.every) return;
    this.every = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.every.unref();
    await this.prune();
  }

  /** After a materializer run: a prune soon when many files went to the trash since the last. */
  noteApplied(report: MaterializeReport): void {
    if (!this.every || this.stopped) return;
    this.added += report.removed.length + report.written.length;
    if (this.added < LARGE_ADDITION || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.prune();
    }, SOON_MS);
    this.soon.unref();
  }

  /** One prune; asked for while one runs, it joins it. Undefined once stopped, or if it failed. */
  prune(): Promise<RemovalReport | undefined> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves once no prune is running (none asked for meanwhile is waited for). */
  async idle(): Promise<void> {
    await this.running;
  }

  private async run(): Promise<RemovalReport | undefined> {
    if (this.stopped) return undefined;
    this.added = 0;
    const started = Date.now();
    try {
      const report = await pruneTrash(this.options.trash, {
        now: (this.options.now ?? Date.now)(),
        limits: this.options.limits(),
        folderBytes: await this.options.folderBytes(),
      });
      if (report.removed + report.swept > 0)
        this.log.info({ ...report, ms: Date.now() - started }, 'trash pruned');
      return report;
    } catch (e) {
      // The next prune tries again; the trash only keeps more meanwhile.
      this.log.warn({ error: (e as Error).message }, 'pruning the trash failed');
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.every) clearInterval(this.every);
    if (this.soon) clearTimeout(this.soon);
    await this.idle();
  }
}

/** The materializer, telling `upkeep` what each run wrote and removed. */
export function noticeTrashAdditions(
  materializer: Materializer,
  upkeep: TrashUpkeep,
): Materializer {
  return {
    trash: materializer.trash,
    async apply(entityIds) {
      const report = await materializer.apply(entityIds);
      upkeep.noteApplied(report);
      return report;
    },
  };
}
