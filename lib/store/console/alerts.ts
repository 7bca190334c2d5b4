// Alert rules, their evaluation state and the history (lib/alerts/store.ts), as stored JSON records.
// Redis: hashes and a capped list; PostgreSQL: tables drover.alert_rule, alert_state, alert_history.
import 'server-only';
import { consolePart } from './part';
import { RedisAlertStore } from '@/lib/store/redis/console/alerts';
import { PostgresAlertStore } from '@/lib/store/postgres/console/alerts';

export interface AlertStore {
  /** Every rule's JSON (in no order). */
  rules(): Promise<string[]>;
  rule(id: string): Promise<string | null>;
  /** Saves a rule; `resetState` forgets its evaluation state in the same write. */
  saveRule(id: string, json: string, resetState: boolean): Promise<void>;
  /** Deletes a rule and its state; whether the rule existed. */
  removeRule(id: string): Promise<boolean>;
  /** Each rule's state JSON by rule id. */
  states(): Promise<Record<string, string>>;
  /** Saves these states and forgets those of `staleIds`, in one write. */
  saveStates(states: Array<[id: string, json: string]>, staleIds: string[]): Promise<void>;
  /** Appends entries (oldest first) and keeps the newest `keep`. */
  appendHistory(entries: string[], keep: number): Promise<void>;
  /** The newest `limit` entries, newest first. */
  history(limit: number): Promise<string[]>;
}

export const alertStore = consolePart<AlertStore>({
  redis: (conn) => new RedisAlertStore(conn),
  postgres: (conn) => new PostgresAlertStore(conn.drover),
});
