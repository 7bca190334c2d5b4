// Queue objectives in tables drover.queue_objective and drover.objective_status.
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { ObjectiveStore } from '@/lib/store/console/objectives';

const SQL = {
  ALL: `SELECT scope, record FROM drover.queue_objective`,
  GET: `SELECT (SELECT record FROM drover.queue_objective WHERE scope = $1) AS record, (SELECT count(*)::int FROM drover.queue_objective) AS scopes`,
  SAVE: `INSERT INTO drover.queue_objective (scope, record) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET record = excluded.record`,
  DELETE: `WITH gone AS (DELETE FROM drover.objective_status WHERE scope = $1) DELETE FROM drover.queue_objective WHERE scope = $1`,
  SAVE_WITHIN: `
INSERT INTO drover.queue_objective (scope, record)
SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM drover.queue_objective WHERE scope = $1) OR (SELECT count(*) FROM drover.queue_objective) < $3
ON CONFLICT (scope) DO UPDATE SET record = excluded.record`,
  STATUSES: `SELECT scope, status FROM drover.objective_status`,
  STATUSES_OF: `SELECT scope, status FROM drover.objective_status WHERE scope = ANY($1::text[])`,
  REPLACE_STATUSES: `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[]) AS t(scope, status)),
    gone AS (DELETE FROM drover.objective_status WHERE scope <> ALL($1::text[]))
    INSERT INTO drover.objective_status (scope, status) SELECT scope, status FROM input
    ON CONFLICT (scope) DO UPDATE SET status = excluded.status`,
};

export class PostgresObjectiveStore implements ObjectiveStore {
  constructor(private readonly db: DroverDb) {}

  async all(): Promise<Map<string, string>> {
    const rows = await this.db.rows<{ scope: string; record: string }>(SQL.ALL);
    return new Map(rows.map((r) => [r.scope, r.record]));
  }

  async get(scope: string): Promise<{ json: string | null; scopes: number }> {
    const [row] = await this.db.rows<{ record: string | null; scopes: number }>(SQL.GET, [scope]);
    return { json: row?.record ?? null, scopes: row?.scopes ?? 0 };
  }

  async write(scope: string, json: string | null): Promise<boolean> {
    // The DELETE's count is the queue_objective rows removed (the status goes in its CTE).
    if (json === null) return (await this.db.run(SQL.DELETE, [scope])) > 0;
    await this.db.run(SQL.SAVE, [scope, json]);
    return true;
  }

  /** Under one transaction lock: two saves cannot both count the table before either inserts. */
  async saveWithin(scope: string, json: string, maxScopes: number): Promise<boolean> {
    return this.db.tx(async (query) => ((await query(SQL.SAVE_WITHIN, [scope, json, maxScopes])).rowCount ?? 0) === 1, ['drover.queue_objective']);
  }

  async statuses(): Promise<Map<string, string>> {
    const rows = await this.db.rows<{ scope: string; status: string }>(SQL.STATUSES);
    return new Map(rows.map((r) => [r.scope, r.status]));
  }

  async statusesOf(scopes: string[]): Promise<Map<string, string>> {
    if (scopes.length === 0) return new Map();
    const rows = await this.db.rows<{ scope: string; status: string }>(SQL.STATUSES_OF, [scopes]);
    return new Map(rows.map((r) => [r.scope, r.status]));
  }

  async replaceStatuses(statuses: Map<string, string>): Promise<void> {
    await this.db.run(SQL.REPLACE_STATUSES, [[...statuses.keys()], [...statuses.values()]]);
  }
}
