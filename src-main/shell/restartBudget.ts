/**
 * When the core process dies, whether to start it again and after how long. A crash now and
 * then (a week apart) is restarted every time; crashes in a row (three within ten minutes) mean
 * something is wrong that a restart won't fix, and the app stops trying until it is started
 * again. Before, the count never reset: a core that crashed three times in a month of running
 * stayed stopped at the fourth.
 */
export interface RestartDecision {
  readonly restart: boolean;
  /** The pause before the restart (longer for each recent crash). */
  readonly delayMs: number;
  /** Crashes within the window, this one included. */
  readonly recent: number;
}

export class RestartBudget {
  private exits: number[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = 10 * 60_000,
    private readonly maxRestarts = 3,
  ) {}

  /** The core just exited unasked: what to do. */
  onExit(): RestartDecision {
    const at = this.now();
    this.exits = [...this.exits.filter((t) => at - t < this.windowMs), at];
    const recent = this.exits.length;
    return { restart: recent <= this.maxRestarts, delayMs: 2_000 * recent, recent };
  }
}
