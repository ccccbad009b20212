import type { Socket } from 'node:net';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { LineSplitter, type SplitResult } from './lineSplitter.js';

/**
 * The owner's side of one connection, read on demand: a line, or the raw bytes
 * of an upload. Bytes are pulled from the socket only when asked for, so a
 * connection whose requests are not being served yet, or whose upload is
 * waiting on the disk, is simply not read: the kernel's buffers fill and the
 * client's writes wait (backpressure end to end, nothing held here).
 *
 * Not the socket's async iterator: when the client hangs up its side, that
 * destroys the socket, and answers still being written would be lost.
 */

export type ReadResult = SplitResult | { readonly kind: 'end' };

/** The next chunk the client sent, or undefined once it hung up its side. */
export type PullChunk = () => Promise<Buffer | undefined>;

/** Pulls from a socket in paused mode (`read()` on 'readable'): unread bytes stay in the kernel. */
export function socketPuller(socket: Socket): PullChunk {
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  socket.on('readable', wakeUp);
  socket.on('end', () => {
    ended = true;
    wakeUp();
  });
  socket.on('close', () => {
    ended = true;
    wakeUp();
  });
  socket.on('error', (e) => {
    failure = e;
    wakeUp();
  });
  return async () => {
    for (;;) {
      const chunk = socket.read() as Buffer | null;
      if (chunk !== null) return chunk;
      if (failure !== undefined) throw failure;
      if (ended) return undefined;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
}

export class FrameReader {
  private readonly splitter: LineSplitter;
  private waiting = false;
  private inBody = false;
  private ended = false;

  constructor(
    private readonly pullChunk: PullChunk,
    maxLineBytes: number,
  ) {
    this.splitter = new LineSplitter(maxLineBytes);
  }

  /** Waiting for the client to send more (see limits.ts, `idleVerdict`). */
  get waitingForClient(): boolean {
    return this.waiting;
  }

  /** The client has sent part of a line or of an upload body and no more yet. */
  get partial(): boolean {
    return this.inBody || this.splitter.hasPartialLine;
  }

  async readLine(): Promise<ReadResult> {
    for (;;) {
      const result = this.splitter.next();
      if (result !== undefined) return result;
      const chunk = await this.pull();
      if (chunk === undefined) return { kind: 'end' };
      this.splitter.push(chunk);
    }
  }

  /**
   * Exactly `size` bytes following the last line read. Throws (into the consumer's
   * loop) if the client hangs up before all of them came; bytes past `size` are left
   * unread, for the caller to drop.
   */
  async *body(size: number): AsyncGenerator<Uint8Array, void, undefined> {
    this.inBody = size > 0;
    try {
      let left = size;
      let chunk: Buffer | undefined = this.splitter.takeRest();
      while (left > 0) {
        if (chunk === undefined || chunk.length === 0) {
          chunk = await this.pull();
          if (chunk === undefined)
            throw new NetGuardianError(
              'InvalidArgument',
              `upload: the connection ended ${left} bytes short of the announced ${size}`,
              'body',
            );
          continue;
        }
        const piece = chunk.length <= left ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        chunk = chunk.subarray(piece.length);
        yield piece;
      }
      // Anything after the body goes back, to be dropped with the rest of the input.
      if (chunk !== undefined && chunk.length > 0) this.splitter.push(chunk);
    } finally {
      this.inBody = false;
    }
  }

  /** Reads and throws away whatever the client still sends, until it hangs up. */
  async discardUntilEnd(): Promise<void> {
    while ((await this.pull()) !== undefined);
  }

  private async pull(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    this.waiting = true;
    try {
      const chunk = await this.pullChunk();
      if (chunk === undefined) this.ended = true;
      return chunk;
    } finally {
      this.waiting = false;
    }
  }
}
