import type { ErrorCode } from '../../../src-shared/errors.js';
import type { SqlClient } from './sqlClient.js';

/** An event kept aside: it failed validation, or cannot be applied yet (its clock is ahead). */
export interface QuarantinedEvent {
  readonly id: number;
  readonly spaceId: string | null;
  /** Where it came from: a peer's description (e.g. the hub's URL without password). */
  readonly source: string;
  readonly eventId: string | null;
  readonly nodeId: string | null;
  readonly seq: number | null;
  readonly code: ErrorCode;
  readonly field: string | null;
  readonly message: string;
  readonly payload: unknown;
  readonly attempts: number;
  readonly firstSeen: string;
  readonly lastAttempt: string;
}

export interface QuarantineEntry {
  readonly spaceId: string | null;
  readonly source: string;
  readonly code: ErrorCode;
  readonly field?: string | undefined;
  readonly message: string;
  readonly payload: unknown;
}

/** Payloads above this are kept as a note of their size: a 100 MiB hostile payload must not bloat our store. */
const MAX_KEPT_PAYLOAD_BYTES = 4 * 1024 * 1024;

const UPSERT = `
INSERT INTO crdt_quarantine (space_id, source, event_id, node_id, seq, code, field, message, payload)
SELECT x.space_id, x.source, x.event_id, x.node_id, x.seq, x.code, x.field, x.message, x.payload
FROM jsonb_to_recordset($1::jsonb) AS x(space_id text, source text, event_id text, node_id text, seq bigint,
  code text, field text, message text, payload jsonb)
ON CONFLICT (source, event_id) WHERE event_id IS NOT NULL DO UPDATE SET
  attempts = crdt_quarantine.attempts + 1, last_attempt = now(), code = excluded.code,
  field = excluded.field, message = excluded.message, released_at = NULL`;

const SELECT_PENDING = `
SELECT id, space_id, source, event_id, node_id, seq::float8 AS seq, code, field, message, payload, attempts,
       first_seen, last_attempt
FROM crdt_quarantine WHERE released_at IS NULL AND ($1::text IS NULL OR space_id = $1)
  AND ($2::text IS NULL OR code = $2)
ORDER BY id LIMIT $3`;

const RELEASE = `UPDATE crdt_quarantine SET released_at = now() WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)`;
const RELEASE_KEYS = `
UPDATE crdt_quarantine SET released_at = now()
WHERE released_at IS NULL AND source = $1 AND event_id IN (SELECT jsonb_array_elements_text($2::jsonb))`;
const COUNT_PENDING = `SELECT count(*)::float8 AS n FROM crdt_quarantine WHERE released_at IS NULL AND ($1::text IS NULL OR space_id = $1)`;

function str(o: unknown, key: string): string | null {
  if (typeof o !== 'object' || o === null) return null;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === 'string' ? v.slice(0, 255) : null;
}

function num(o: unknown, key: string): number | null {
  if (typeof o !== 'object' || o === null) return null;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

function boundedPayload(payload: unknown): unknown {
  const text = JSON.stringify(payload) ?? 'null';
  if (text.length <= MAX_KEPT_PAYLOAD_BYTES) return payload;
  return { truncated: true, bytes: text.length, head: text.slice(0, 4096) };
}

/** The quarantine table of one store. */
export class Quarantine {
  constructor(private readonly client: SqlClient) {}

  /** Releases the rows of `source` held under these event ids (taken in since). */
  async releaseKeys(source: string, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.client.query(RELEASE_KEYS, [source, JSON.stringify(eventIds)]);
  }

  async hold(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((e) => ({
      space_id: e.spaceId,
      source: e.source,
      event_id: str(e.payload, 'event_id'),
      node_id: str(e.payload, 'node_id'),
      seq: num(e.payload, 'seq'),
      code: e.code,
      field: e.field ?? null,
      message: e.message,
      payload: boundedPayload(e.payload),
    }));
    // One upsert cannot touch a row twice: keep the last entry per (source, event_id).
    const unique = new Map(
      rows.map((r, i) => [r.event_id === null ? `#${i}` : `${r.source}\u0000${r.event_id}`, r]),
    );
    await this.client.query(UPSERT, [JSON.stringify([...unique.values()])]);
  }

  async pending(
    options: { spaceId?: string; code?: ErrorCode; limit?: number } = {},
  ): Promise<QuarantinedEvent[]> {
    // Named: every pull asks for held ClockAhead events first.
    const rows = await this.client.query<Record<string, unknown>>(
      SELECT_PENDING,
      [options.spaceId ?? null, options.code ?? null, options.limit ?? 1000],
      { name: 'ng_quarantine_pending' },
    );
    return rows.map((r) => ({
      id: Number(r.id),
      spaceId: (r.space_id as string | null) ?? null,
      source: r.source as string,
      eventId: (r.event_id as string | null) ?? null,
      nodeId: (r.node_id as string | null) ?? null,
      seq: r.seq === null ? null : Number(r.seq),
      code: r.code as ErrorCode,
      field: (r.field as string | null) ?? null,
      message: r.message as string,
      payload: r.payload,
      attempts: Number(r.attempts),
      firstSeen: new Date(r.first_seen as string).toISOString(),
      lastAttempt: new Date(r.last_attempt as string).toISOString(),
    }));
  }

  async count(spaceId?: string): Promise<number> {
    const rows = await this.client.query<{ n: number }>(COUNT_PENDING, [spaceId ?? null]);
    return Number(rows[0]?.n ?? 0);
  }

  async release(ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await this.client.query(RELEASE, [JSON.stringify(ids)]);
  }
}
