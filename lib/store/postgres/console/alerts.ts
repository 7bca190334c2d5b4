// Alert rules, states and history in tables drover.alert_rule, alert_state and alert_history (newest
// by id, the oldest beyond the cap deleted in the append's transaction).
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { AlertStore } from '@/lib/store/console/alerts';

/** Rules (and states) read at most: far above any real configuration, a bound on one read all the same. */
export const ALERT_RULES_READ_MAX = 10_000;

const SQL = {
  RULES: `SELECT rule FROM drover.alert_rule ORDER BY id LIMIT $1`,
  RULE: `SELECT rule FROM drover.alert_rule WHERE id = $1`,
  SAVE_RULE: `INSERT INTO drover.alert_rule (id, rule) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET rule = excluded.rule`,
  DELETE_RULE: `DELETE FROM drover.alert_rule WHERE id = $1`,
  DELETE_STATE: `DELETE FROM drover.alert_state WHERE id = $1`,
  STATES: `SELECT id, state FROM drover.alert_state ORDER BY id LIMIT $1`,
  SAVE_STATES: `
INSERT INTO drover.alert_state (id, state) SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (id) DO UPDATE SET state = excluded.state`,
  DELETE_STATES: `DELETE FROM drover.alert_state WHERE id = ANY($1::text[])`,
  APPEND_HISTORY: `INSERT INTO drover.alert_history (entry) SELECT e FROM unnest($1::text[]) WITH ORDINALITY AS t(e, n) ORDER BY n`,
  /** Beyond the newest $1 (a shallow offset: the cap is 500), at most $2 rows per append. */
  TRIM_HISTORY: `
DELETE FROM drover.alert_history WHERE id IN (
  SELECT id FROM drover.alert_history ORDER BY id DESC OFFSET $1 LIMIT $2)`,
  HISTORY: `SELECT entry FROM drover.alert_history ORDER BY id DESC LIMIT $1`,
};

/** History rows deleted per append at most (the cap converges: an append adds fewer). */
const HISTORY_TRIM_BATCH = 1000;

export class PostgresAlertStore implements AlertStore {
  constructor(private readonly db: DroverDb) {}

  async rules(): Promise<string[]> {
    return (await this.db.rows<{ rule: string }>(SQL.RULES, [ALERT_RULES_READ_MAX])).map((r) => r.rule);
  }

  async rule(id: string): Promise<string | null> {
    return (await this.db.rows<{ rule: string }>(SQL.RULE, [id]))[0]?.rule ?? null;
  }

  async saveRule(id: string, json: string, resetState: boolean): Promise<void> {
    await this.db.tx(async (query) => {
      await query(SQL.SAVE_RULE, [id, json]);
      if (resetState) await query(SQL.DELETE_STATE, [id]);
    });
  }

  removeRule(id: string): Promise<boolean> {
    return this.db.tx(async (query) => {
      const removed = (await query(SQL.DELETE_RULE, [id])).rowCount ?? 0;
      await query(SQL.DELETE_STATE, [id]);
      return removed === 1;
    });
  }

  async states(): Promise<Record<string, string>> {
    const rows = await this.db.rows<{ id: string; state: string }>(SQL.STATES, [ALERT_RULES_READ_MAX]);
    return Object.fromEntries(rows.map((r) => [r.id, r.state]));
  }

  async saveStates(states: Array<[id: string, json: string]>, staleIds: string[]): Promise<void> {
    if (states.length === 0 && staleIds.length === 0) return;
    await this.db.tx(async (query) => {
      if (states.length) await query(SQL.SAVE_STATES, [states.map(([id]) => id), states.map(([, json]) => json)]);
      if (staleIds.length) await query(SQL.DELETE_STATES, [staleIds]);
    });
  }

  async appendHistory(entries: string[], keep: number): Promise<void> {
    if (entries.length === 0) return;
    await this.db.tx(async (query) => {
      await query(SQL.APPEND_HISTORY, [entries]);
      await query(SQL.TRIM_HISTORY, [keep, HISTORY_TRIM_BATCH]);
    });
  }

  async history(limit: number): Promise<string[]> {
    return (await this.db.rows<{ entry: string }>(SQL.HISTORY, [limit])).map((r) => r.entry);
  }
}
