// Links out in table drover.link_template: one row per scope, its JSON array of templates.
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { LinkStore } from '@/lib/store/console/links';

const SQL = {
  READ: `SELECT scope, record FROM drover.link_template WHERE scope = ANY($1::text[])`,
  SAVE: `INSERT INTO drover.link_template (scope, record) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET record = excluded.record`,
  STORED: `SELECT bool_or(scope = $1) AS has, count(*)::int AS scopes FROM drover.link_template`,
  DELETE: `DELETE FROM drover.link_template WHERE scope = $1`,
};

export class PostgresLinkStore implements LinkStore {
  constructor(private readonly db: DroverDb) {}

  async read(scopes: string[]): Promise<(string | null)[]> {
    if (scopes.length === 0) return [];
    const rows = await this.db.rows<{ scope: string; record: string }>(SQL.READ, [scopes]);
    const byScope = new Map(rows.map((r) => [r.scope, r.record]));
    return scopes.map((s) => byScope.get(s) ?? null);
  }

  async stored(scope: string): Promise<{ has: boolean; scopes: number }> {
    const [row] = await this.db.rows<{ has: boolean | null; scopes: number }>(SQL.STORED, [scope]);
    return { has: row?.has === true, scopes: row?.scopes ?? 0 };
  }

  async write(scope: string, json: string | null): Promise<void> {
    if (json === null) await this.db.run(SQL.DELETE, [scope]);
    else await this.db.run(SQL.SAVE, [scope, json]);
  }
}
