// Bulk operations' progress in table drover.operation: a row per operation id until expires_at; a
// save also deletes a bounded batch of expired rows, so the table holds about an hour of operations.
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { OperationProgress, ProgressStore } from '@/lib/store/console/progress';

/** Expired operations deleted per save at most. */
export const EXPIRED_OPERATIONS_BATCH = 100;

const DELETE_EXPIRED = `
DELETE FROM drover.operation WHERE id IN (
  SELECT id FROM drover.operation WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`;

const SAVE = `
INSERT INTO drover.operation (id, done, total, phase, finished, updated_at, expires_at, conn, queue) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (id) DO UPDATE SET done = excluded.done, total = excluded.total, phase = excluded.phase,
  finished = excluded.finished, updated_at = excluded.updated_at, expires_at = excluded.expires_at,
  conn = coalesce(excluded.conn, drover.operation.conn), queue = coalesce(excluded.queue, drover.operation.queue)`;

const READ = `
SELECT done::text, total::text, phase, finished, updated_at::text, conn, queue FROM drover.operation WHERE id = $1 AND expires_at > $2`;

export class PostgresProgressStore implements ProgressStore {
  constructor(private readonly db: DroverDb) {}

  async save(operationId: string, p: OperationProgress, ttlMs: number): Promise<void> {
    const now = Date.now();
    await this.db.run(DELETE_EXPIRED, [now, EXPIRED_OPERATIONS_BATCH]);
    await this.db.run(SAVE, [operationId, p.done, p.total, p.phase, p.finished, p.updatedAt, now + ttlMs, p.target?.conn ?? null, p.target?.queue ?? null]);
  }

  async read(operationId: string): Promise<OperationProgress | null> {
    const [row] = await this.db.rows<{ done: string; total: string; phase: string; finished: boolean; updated_at: string; conn: string | null; queue: string | null }>(READ, [operationId, Date.now()]);
    if (!row) return null;
    const target = row.conn !== null ? { conn: row.conn, ...(row.queue !== null ? { queue: row.queue } : {}) } : undefined;
    return { done: Number(row.done), total: Number(row.total), phase: row.phase, finished: row.finished, updatedAt: Number(row.updated_at), ...(target ? { target } : {}) };
  }
}
