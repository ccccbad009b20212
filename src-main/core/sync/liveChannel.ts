import type { Logger } from '../log.js';
import type { Unlisten } from '../store/sqlClient.js';
import { HUB_RETRY, backoffDelay, type BackoffPolicy } from './backoff.js';

/**
 * The live channel to the hub (LISTEN for new events in our space), kept up for as long as it is
 * wanted: when listening fails or the connection dies (the hub stopped, the network went away) it
 * is tried again with backoff (1 s doubling to 30 s), so after the hub comes back a change reaches
 * this device through the channel again without a restart. Every time the channel is (re)opened
 * `onConnected` runs, so what was announced while it was down is caught up by a sync.
 */
export interface LiveChannelOptions {
  readonly spaceId: string;
  /** Opens one listener (`EventStore.listen`); `onLost` is called if its connection dies. */
  readonly listen: (
    onEvents: (spaceId: string) => void,
    onLost: (error: Error) => void,
  ) => Promise<Unlisten>;
  /** The hub announced new events in our space: pull now. */
  readonly onAnnounce: () => void;
  /** The channel is open (again): sync now, to catch up what was missed while it was down. */
  readonly onConnected: () => void;
  /** Opening failed or the channel died: what went wrong (for the status). */
  readonly onProblem: (error: unknown) => void;
  readonly retry?: BackoffPolicy;
  readonly log: Logger;
}

export class LiveChannel {
  private wanted = false;
  private unlisten: Unlisten | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Each attempt's number: a loss reported by an older connection changes nothing. */
  private generation = 0;
  private opening: Promise<void> | undefined;

  constructor(private readonly options: LiveChannelOptions) {}

  /** Whether the channel is open now. */
  get connected(): boolean {
    return this.unlisten !== undefined;
  }

  /** Starts keeping the channel open; resolves after the first attempt (open or not). */
  start(): Promise<void> {
    if (this.wanted) return this.opening ?? Promise.resolve();
    this.wanted = true;
    return this.attempt();
  }

  /** Closes the channel and stops trying. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.generation += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.opening?.catch(() => undefined);
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    if (unlisten) await unlisten();
  }

  private attempt(): Promise<void> {
    this.timer = undefined;
    const generation = ++this.generation;
    const opening = this.open(generation).finally(() => {
      if (this.opening === opening) this.opening = undefined;
    });
    this.opening = opening;
    return opening;
  }

  private async open(generation: number): Promise<void> {
    const { spaceId, onAnnounce } = this.options;
    let unlisten: Unlisten;
    try {
      unlisten = await this.options.listen(
        (announced) => {
          if (announced === spaceId && this.generation === generation) onAnnounce();
        },
        (error) => this.lost(generation, error),
      );
    } catch (e) {
      if (this.generation !== generation || !this.wanted) return;
      this.failures += 1;
      this.options.onProblem(e);
      this.retryLater();
      return;
    }
    if (this.generation !== generation || !this.wanted) {
      await unlisten();
      return;
    }
    this.unlisten = unlisten;
    if (this.failures > 0)
      this.options.log.info({ after: this.failures }, 'live channel to the hub open again');
    this.failures = 0;
    this.options.onConnected();
  }

  private lost(generation: number, error: Error): void {
    if (this.generation !== generation || !this.wanted) return;
    this.generation += 1;
    this.unlisten = undefined;
    this.failures = 1;
    this.options.log.warn({ error: error.message }, 'live channel to the hub lost');
    this.options.onProblem(error);
    this.retryLater();
  }

  private retryLater(): void {
    if (!this.wanted || this.timer) return;
    const delay = backoffDelay(this.options.retry ?? HUB_RETRY, this.failures);
    this.timer = setTimeout(() => void this.attempt(), delay);
    this.timer.unref();
  }
}
