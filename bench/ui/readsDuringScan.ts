/**
 * Whether the app's reads wait behind the device's writes (issue 14 point 4): while a `serve`
 * process makes its first scan of the folder, a client on the headless mode's WebSocket asks
 * for the top folder's first page (`files:list`, 200 rows) every 100 ms and times each answer,
 * until the state says Synced; then as many more on the quiet device, as the baseline.
 */
import WebSocket from 'ws';
import { WS_PATH, type WireServerMessage } from '../../src-shared/ipc/contract.js';

export interface ReadLatencies {
  readonly samplesMs: readonly number[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface ReadsDuringScan {
  /** Reads answered while the device was scanning (its state not yet Synced). */
  readonly duringScan: ReadLatencies;
  readonly afterScan: ReadLatencies;
  readonly scanSeconds: number;
}

const PAUSE_MS = 100;
/** The longest the probe waits for the first scan (a bounded loop). */
const MAX_SCAN_MS = 15 * 60_000;

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

function latencies(samplesMs: readonly number[]): ReadLatencies {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    samplesMs,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
  };
}

/** `url`: the UI's address as `serve` printed it, token included. */
export async function readsDuringScan(url: string): Promise<ReadsDuringScan> {
  const address = new URL(url);
  const token = address.searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://${address.host}${WS_PATH}`, [`netguardian.${token}`]);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting = new Map<number, (m: WireServerMessage) => void>();
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as WireServerMessage;
    if (message.type === 'response') waiting.get(message.id)?.(message);
  });
  let nextId = 0;
  const call = (channel: string, payload: unknown) =>
    new Promise<WireServerMessage>((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ type: 'request', id, channel, payload }));
    });
  const phase = async () => {
    const reply = await call('state:get', {});
    return reply.type === 'response' && reply.ok ? (reply.value as { phase: string }).phase : '';
  };
  const read = async () => {
    const started = performance.now();
    const reply = await call('files:list', { query: '', offset: 0, limit: 200, folder: '' });
    if (reply.type !== 'response' || !reply.ok)
      throw new Error(`files:list failed: ${JSON.stringify(reply)}`);
    return performance.now() - started;
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  try {
    const started = performance.now();
    const during: number[] = [];
    while ((await phase()) !== 'synced' && performance.now() - started < MAX_SCAN_MS) {
      during.push(await read());
      await pause();
    }
    const scanSeconds = (performance.now() - started) / 1000;
    const after: number[] = [];
    for (let i = 0; i < Math.max(20, during.length); i++) {
      after.push(await read());
      await pause();
    }
    return { duringScan: latencies(during), afterScan: latencies(after), scanSeconds };
  } finally {
    ws.close();
  }
}
