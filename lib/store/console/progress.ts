// Progress of long bulk operations (lib/progress): one record per operation id, kept an hour after its
// last update. Redis: a hash with a TTL; PostgreSQL: table drover.operation with expires_at.
import 'server-only';
import { consolePart } from './part';
import { RedisProgressStore } from '@/lib/store/redis/console/progress';
import { PostgresProgressStore } from '@/lib/store/postgres/console/progress';

/** What an operation acts on: one queue, or a connection's queues (`queue` absent). */
export type OperationTarget = { conn: string; queue?: string };

export type OperationProgress = {
  done: number;
  total: number;
  phase: string;
  finished: boolean;
  updatedAt: number;
  /** absent for operations recorded without one (who may follow it: README › Team scopes) */
  target?: OperationTarget;
};

export interface ProgressStore {
  /** Saves the operation's progress; it is forgotten `ttlMs` after this update. */
  save(operationId: string, progress: OperationProgress, ttlMs: number): Promise<void>;
  /** The progress saved last, or null (never saved, or forgotten). */
  read(operationId: string): Promise<OperationProgress | null>;
}

export const progressStore = consolePart<ProgressStore>({
  redis: (conn) => new RedisProgressStore(conn),
  postgres: (conn) => new PostgresProgressStore(conn.drover),
});
