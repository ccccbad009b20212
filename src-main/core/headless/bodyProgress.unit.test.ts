import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BodyStalled, untilStalled } from './bodyProgress.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Reads everything `body` yields into one string, or the error it ended with. */
async function drain(body: AsyncIterable<Buffer>): Promise<string | Error> {
  let text = '';
  try {
    for await (const chunk of body) text += chunk.toString();
    return text;
  } catch (e) {
    return e as Error;
  }
}

describe('untilStalled', () => {
  it('lets a body through that is slow but never pauses as long as the idle time', async () => {
    vi.useFakeTimers();
    const source = new PassThrough();
    const read = drain(untilStalled<Buffer>(source, 500));
    // 10 chunks, one every 400 ms: 4 s in all, eight times the idle time.
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(400);
      source.write(`${i}`);
    }
    source.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(await read).toBe('0123456789');
  });

  it('ends with BodyStalled when nothing arrives for the idle time', async () => {
    vi.useFakeTimers();
    const source = new PassThrough();
    const read = drain(untilStalled<Buffer>(source, 500));
    source.write('a');
    await vi.advanceTimersByTimeAsync(499);
    source.write('b');
    await vi.advanceTimersByTimeAsync(500);
    const ended = await read;
    expect(ended).toBeInstanceOf(BodyStalled);
    expect((ended as Error).message).toBe('no data arrived for 0.5 s');
  });

  it('does not count the time the consumer spends on a chunk', async () => {
    vi.useFakeTimers();
    const source = new PassThrough();
    source.write('a');
    const chunks: string[] = [];
    const read = (async () => {
      for await (const chunk of untilStalled<Buffer>(source, 500)) {
        chunks.push(chunk.toString());
        // A slow disk: 2 s on one chunk while the peer waits (TCP holds it back).
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    })();
    await vi.advanceTimersByTimeAsync(100);
    source.end('b');
    await vi.advanceTimersByTimeAsync(4_100);
    await read;
    expect(chunks.join('')).toBe('ab');
  });
});
