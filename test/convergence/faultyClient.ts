import type { SqlClient, SqlExecutor, Unlisten } from '../../src-main/core/store/sqlClient.js';

/** The error an armed `FaultyClient` throws: stands for a crash or a dropped connection. */
export class InjectedFault extends Error {
  constructor(when: 'before commit' | 'after commit', n: number) {
    super(`injected fault ${when} of transaction #${n + 1}`);
    this.name = 'InjectedFault';
  }
}

export interface FaultPlan {
  /** Transactions that succeed before the faulty one. */
  readonly after: number;
  /**
   * false: the transaction's work runs, then it throws and rolls back (a crash before COMMIT).
   * true: it commits, then the caller sees an error anyway (the acknowledgement was lost).
   */
  readonly commit: boolean;
}

/**
 * A `SqlClient` that delegates to another and, once armed, makes one
 * transaction fail after `after` good ones (one-shot). Sync batches are
 * transactions on the receiving store, so arming the hub's client interrupts a
 * push after k batches and arming a device's client interrupts a pull.
 */
export class FaultyClient implements SqlClient {
  private plan: FaultPlan | undefined;
  private seen = 0;
  private firedSinceArm = false;

  constructor(
    private readonly inner: SqlClient,
    private readonly closesInner: boolean,
  ) {}

  get kind(): SqlClient['kind'] {
    return this.inner.kind;
  }

  get description(): string {
    return this.inner.description;
  }

  arm(plan: FaultPlan): void {
    this.plan = plan;
    this.seen = 0;
    this.firedSinceArm = false;
  }

  /** Disarms; returns whether the armed fault fired. */
  disarm(): boolean {
    const fired = this.firedSinceArm;
    this.plan = undefined;
    this.seen = 0;
    this.firedSinceArm = false;
    return fired;
  }

  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return this.inner.query<R>(text, params);
  }

  exec(script: string): Promise<void> {
    return this.inner.exec(script);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const plan = this.plan;
    if (!plan) return this.inner.transaction(fn);
    const n = this.seen;
    this.seen += 1;
    if (n < plan.after) return this.inner.transaction(fn);
    this.plan = undefined;
    this.firedSinceArm = true;
    if (plan.commit) {
      await this.inner.transaction(fn);
      throw new InjectedFault('after commit', n);
    }
    return this.inner.transaction(async (tx) => {
      await fn(tx);
      throw new InjectedFault('before commit', n);
    });
  }

  listen(channel: string, onNotify: (payload: string) => void): Promise<Unlisten> {
    return this.inner.listen(channel, onNotify);
  }

  async close(): Promise<void> {
    if (this.closesInner) await this.inner.close();
  }
}
