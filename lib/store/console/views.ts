// Saved views (lib/views/store.ts) as stored JSON records with the facts their bounds and lists need.
// Redis: a hash of records and one id set per bound (shared; each owner's private); PostgreSQL: table drover.view.
import 'server-only';
import { consolePart } from './part';
import { RedisViewStore } from '@/lib/store/redis/console/views';
import { PostgresViewStore } from '@/lib/store/postgres/console/views';

/** One view as stored: its JSON and the facts outside it that the lists and bounds use. */
export type StoredView = { id: string; conn: string; queue: string; owner: string; visibility: 'private' | 'shared'; name: string; json: string };

export type SaveViewOutcome = 'saved' | 'full' | 'changed';

export interface ViewStore {
  view(id: string): Promise<string | null>;
  /**
   * The JSON of every view `owner` may see: the shared ones and their own private ones (at most
   * `limit`). PostgreSQL narrows to `filter`; Redis reads them all (they are bounded) and the caller filters.
   */
  visible(owner: string, filter: { conn?: string; queue?: string }, limit: number): Promise<string[]>;
  /**
   * Creates (`expected` null) or replaces the view whose stored JSON is still `expected`, unless the
   * bound it then counts against (the shared views, or its owner's private ones) already holds `max`
   * other views. 'full' and 'changed' (someone else wrote or removed it first) write nothing.
   */
  save(view: StoredView, expected: string | null, max: number): Promise<SaveViewOutcome>;
  /** Deletes a view; whether it existed. */
  remove(view: Pick<StoredView, 'id' | 'owner'>): Promise<boolean>;
}

export const viewStore = consolePart<ViewStore>({
  redis: (conn) => new RedisViewStore(conn),
  postgres: (conn) => new PostgresViewStore(conn.drover),
});
