// Saved views in table drover.view: a save is one transaction under an advisory lock of the bound it
// counts against (the shared views, or its owner's private ones), so racing saves cannot pass it.
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { SaveViewOutcome, StoredView, ViewStore } from '@/lib/store/console/views';

const SQL = {
  VIEW: `SELECT record FROM drover.view WHERE id = $1`,
  /** Both halves are served by a partial index (view_shared_idx, view_owner_idx). */
  VISIBLE: `
SELECT record FROM (
  (SELECT record, conn, queue, name, id FROM drover.view
    WHERE visibility = 'shared' AND ($2::text IS NULL OR conn = $2) AND ($3::text IS NULL OR queue = $3)
    ORDER BY conn, queue, name LIMIT $4)
  UNION ALL
  (SELECT record, conn, queue, name, id FROM drover.view
    WHERE visibility = 'private' AND owner = $1 AND ($2::text IS NULL OR conn = $2) AND ($3::text IS NULL OR queue = $3)
    ORDER BY conn, queue, name LIMIT $4)
) v ORDER BY conn, queue, name, id LIMIT $4`,
  CURRENT: `SELECT record FROM drover.view WHERE id = $1 FOR UPDATE`,
  COUNT_SHARED: `SELECT count(*)::int AS n FROM drover.view WHERE visibility = 'shared' AND id <> $1`,
  COUNT_PRIVATE: `SELECT count(*)::int AS n FROM drover.view WHERE visibility = 'private' AND owner = $2 AND id <> $1`,
  SAVE: `
INSERT INTO drover.view (id, conn, queue, owner, visibility, name, record) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE SET visibility = excluded.visibility, name = excluded.name, record = excluded.record`,
  DELETE: `DELETE FROM drover.view WHERE id = $1`,
};

export class PostgresViewStore implements ViewStore {
  constructor(private readonly db: DroverDb) {}

  async view(id: string): Promise<string | null> {
    return (await this.db.rows<{ record: string }>(SQL.VIEW, [id]))[0]?.record ?? null;
  }

  async visible(owner: string, filter: { conn?: string; queue?: string }, limit: number): Promise<string[]> {
    const rows = await this.db.rows<{ record: string }>(SQL.VISIBLE, [owner, filter.conn ?? null, filter.queue ?? null, limit]);
    return rows.map((r) => r.record);
  }

  save(view: StoredView, expected: string | null, max: number): Promise<SaveViewOutcome> {
    const bound = view.visibility === 'shared' ? 'drover.view:shared' : `drover.view:private:${view.owner}`;
    return this.db.tx(async (query) => {
      const current = (await query<{ record: string }>(SQL.CURRENT, [view.id])).rows[0]?.record ?? null;
      if (current !== expected) return 'changed';
      const counted = view.visibility === 'shared' ? await query<{ n: number }>(SQL.COUNT_SHARED, [view.id]) : await query<{ n: number }>(SQL.COUNT_PRIVATE, [view.id, view.owner]);
      if (counted.rows[0].n >= max) return 'full';
      await query(SQL.SAVE, [view.id, view.conn, view.queue, view.owner, view.visibility, view.name, view.json]);
      return 'saved';
    }, [bound]);
  }

  async remove(view: Pick<StoredView, 'id' | 'owner'>): Promise<boolean> {
    return (await this.db.run(SQL.DELETE, [view.id])) === 1;
  }
}
