// Queue objectives set in the console (lib/objectives) and the statuses last judged, by scope
// "<conn>/<queue>". Redis: two hashes; PostgreSQL: tables drover.queue_objective and drover.objective_status.
import 'server-only';
import { consolePart } from './part';
import { RedisObjectiveStore } from '@/lib/store/redis/console/objectives';
import { PostgresObjectiveStore } from '@/lib/store/postgres/console/objectives';

export interface ObjectiveStore {
  /** Every stored scope → objectives JSON (at most OBJECTIVE_LIMITS.storedQueues). */
  all(): Promise<Map<string, string>>;
  /** One scope's objectives JSON, and how many scopes have objectives stored. */
  get(scope: string): Promise<{ json: string | null; scopes: number }>;
  /** Replaces a scope's objectives; null removes them (and their status). Whether the scope had objectives stored before (a save: true). */
  write(scope: string, json: string | null): Promise<boolean>;
  /** Saves a scope's objectives unless it is a new scope and `maxScopes` are stored already (false), atomically. */
  saveWithin(scope: string, json: string, maxScopes: number): Promise<boolean>;
  /** Every scope → status JSON (the measuring round only: requests read statusesOf their queues). */
  statuses(): Promise<Map<string, string>>;
  /** The status JSON of these scopes only (those without one are left out): one entry read per scope asked. */
  statusesOf(scopes: string[]): Promise<Map<string, string>>;
  /** Saves these statuses and removes those of every other scope. */
  replaceStatuses(statuses: Map<string, string>): Promise<void>;
}

export const objectiveStore = consolePart<ObjectiveStore>({
  redis: (conn) => new RedisObjectiveStore(conn),
  postgres: (conn) => new PostgresObjectiveStore(conn.drover),
});
