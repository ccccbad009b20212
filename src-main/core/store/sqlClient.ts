/**
 * The tiny SQL surface the event store needs, satisfied by both PGlite (the
 * embedded default) and a PostgreSQL server through `pg`. Everything above
 * this interface is one code path for device stores and the hub.
 */
export interface QueryOptions {
  /**
   * A stable name for a hot statement (one name, one text): a server connection may prepare it
   * once and reuse its plan. Clients that cannot simply run the text.
   */
  readonly name?: string;
}

export interface SqlExecutor {
  /** One parameterized statement. Rows come back as the driver parses them. */
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<R[]>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type Unlisten = () => Promise<void>;

export interface SqlClient extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Human-readable location for logs: a data directory or a URL without the password. */
  readonly description: string;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel; resolves once listening. `onLost` is called once if the listening
   * connection dies (a server that went away): the listener is gone then, and the caller listens
   * again when it wants to. A store in this process (PGlite) never loses it.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onLost?: (error: Error) => void,
  ): Promise<Unlisten>;
  close(): Promise<void>;
}
