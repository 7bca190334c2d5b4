// API tokens on PostgreSQL: table drover.api_token, one row per live token keyed by its digest, with
// its id and name key unique (lib/store/postgres/ddl/auth.ts).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { ApiTokensStore, NewApiToken } from '@/lib/store/console/api-tokens';

/** Most tokens a list returns, newest first (Redis returns the whole hash). */
export const API_TOKENS_LIST_MAX = 10_000;

export class PostgresApiTokens implements ApiTokensStore {
  constructor(private readonly conn: Connection) {}

  create(t: NewApiToken): Promise<string | null> {
    // Creations of one name wait for each other on the name's lock, so the second one finds the first
    // one's row and names it (the unique name_key would refuse it anyway, without naming the holder).
    return this.conn.drover.tx(async (q) => {
      const holder = await q<{ id: string }>('SELECT id FROM drover.api_token WHERE name_key = $1', [t.nameKey]);
      if (holder.rows.length) return holder.rows[0].id;
      await q('INSERT INTO drover.api_token (hash, id, name_key, record, created_at) VALUES ($1, $2, $3, $4, $5)', [t.digest, t.id, t.nameKey, t.record, t.createdAt]);
      return null;
    }, [`drover.api_token:${t.nameKey}`]);
  }

  async byDigest(digest: string): Promise<string | null> {
    const [row] = await this.conn.drover.rows<{ record: string }>('SELECT record FROM drover.api_token WHERE hash = $1', [digest]);
    return row?.record ?? null;
  }

  async byId(id: string): Promise<string | null> {
    const [row] = await this.conn.drover.rows<{ record: string }>('SELECT record FROM drover.api_token WHERE id = $1', [id]);
    return row?.record ?? null;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.conn.drover.run('UPDATE drover.api_token SET last_used_at = $2 WHERE id = $1', [id, at]);
  }

  async list(): Promise<{ records: string[]; lastUsed: Map<string, number> }> {
    const rows = await this.conn.drover.rows<{ id: string; record: string; last_used_at: string | null }>(
      'SELECT id, record, last_used_at FROM drover.api_token ORDER BY created_at DESC, id LIMIT $1',
      [API_TOKENS_LIST_MAX],
    );
    const lastUsed = new Map<string, number>();
    for (const r of rows) if (r.last_used_at !== null) lastUsed.set(r.id, Number(r.last_used_at));
    return { records: rows.map((r) => r.record), lastUsed };
  }

  async revoke(id: string): Promise<string | null> {
    // The row holds the name and the last use: one delete frees both.
    const [row] = await this.conn.drover.rows<{ record: string }>('DELETE FROM drover.api_token WHERE id = $1 RETURNING record', [id]);
    return row?.record ?? null;
  }
}
