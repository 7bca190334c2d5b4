// Links out set by admins (lib/links), as stored JSON arrays by scope: "<conn>" for a connection's
// templates, "<conn>/<queue>" for a queue's. Redis: one hash; PostgreSQL: table drover.link_template.
import 'server-only';
import { consolePart } from './part';
import { RedisLinkStore } from '@/lib/store/redis/console/links';
import { PostgresLinkStore } from '@/lib/store/postgres/console/links';

export interface LinkStore {
  /** The stored JSON of each scope asked for (null where none is set), in the same order. */
  read(scopes: string[]): Promise<(string | null)[]>;
  /** Whether a scope has templates stored, and how many scopes have. */
  stored(scope: string): Promise<{ has: boolean; scopes: number }>;
  /** Replaces a scope's templates; null removes them. */
  write(scope: string, json: string | null): Promise<void>;
}

/** The scope key of a connection's (queue undefined) or a queue's links. */
export function linkScope(conn: string, queue?: string): string {
  return queue === undefined ? conn : `${conn}/${queue}`;
}

export const linkStore = consolePart<LinkStore>({
  redis: (conn) => new RedisLinkStore(conn),
  postgres: (conn) => new PostgresLinkStore(conn.drover),
});
