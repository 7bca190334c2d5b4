// One page of dead letters (newest failure first) for a filter: rows without payloads.
import 'server-only';
import { z } from 'zod';
import type { Connection } from '@/lib/redis/connections';
import type { DeadLetterRow } from '@/lib/store/dead-letter-store';
import { deadLetterFilterSchema, type DeadLetterFilter, type ScopedDeadLetterFilter } from './schemas';
import { ensureCurrentGroups } from './list-error-groups';
import type { Access } from '@/lib/auth/scope';
import { originsInScope } from './origin-scope';

export type { DeadLetterRow };

export const DEAD_LETTER_PAGE_SIZES = [10, 25, 50, 100, 200] as const;

export const listDeadLettersQuerySchema = deadLetterFilterSchema.extend({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  size: z.coerce
    .number()
    .int()
    .refine((n) => (DEAD_LETTER_PAGE_SIZES as readonly number[]).includes(n), `size must be one of ${DEAD_LETTER_PAGE_SIZES.join(', ')}`)
    .default(25),
});
export type ListDeadLettersQuery = z.infer<typeof listDeadLettersQuerySchema>;

export type DeadLetterPage = {
  connection: string;
  deadLetterQueue: string;
  page: number;
  size: number;
  /**
   * exact when the filter is answered by an index alone (or a walk reached the end); null otherwise.
   * On Redis an index-only total includes envelopes removed outside Drover until the retention pass unindexes them.
   */
  total: number | null;
  hasNext: boolean;
  rows: DeadLetterRow[];
};

/** A filtered page walks at most this long (each store call is bounded anyway). */
const PAGE_WALK_MS = 1500;

export async function listDeadLetters(conn: Connection, query: ListDeadLettersQuery, access?: Access): Promise<DeadLetterPage> {
  const store = conn.store.deadLetters;
  const { page, size, ...rest } = query;
  const origins = await originsInScope(store, conn.name, access, 'viewer');
  const filter: ScopedDeadLetterFilter = origins ? { ...rest, origins: origins.map((o) => o.queue) } : (rest satisfies DeadLetterFilter);
  // A group id is one of the current rules: its members must include the dead letters captured before them too.
  if (filter.group) await ensureCurrentGroups(conn);
  const found = await store.page(filter, page, size, PAGE_WALK_MS);
  return { connection: conn.name, deadLetterQueue: store.deadLetterQueue, page, size, ...found };
}
