// The Workers view: the Busy view's live processes (Drover runtimes with their control state, other
// BullMQ workers read-only), Drover processes gone (3 missed beats, within the hour) with their last
// heartbeat, and the per-queue settings every Drover process applies. Bounded by WORKERS_LIMITS.
import 'server-only';
import type { z } from 'zod';
import { getConnection } from '@/lib/redis/connections';
import { toDroverError } from '@/lib/errors';
import type { QueueFilter } from '@/lib/auth/queue-filter';
import { getBusy, droverProcess } from '@/lib/workers/get-busy';
import type { busyQuerySchema, BusyProcess } from '@/lib/workers/busy-schemas';
import { BUSY_RECORD_READ_MAX_BYTES, busyRecordSchema } from '@/lib/workers/busy-record';
import { maxWorkerConcurrency, parseWorkerSetting, type WorkerSetting } from './control-message';
import { WORKERS_LIMITS, type Workers, type WorkersConnection } from './workers-schemas';

export async function getWorkers(query: z.infer<typeof busyQuerySchema> = {}, filter?: QueueFilter): Promise<Workers> {
  const busy = await getBusy(query, filter);
  const scoped = filter && !filter.everything ? filter : undefined;
  const connections = await Promise.all(
    busy.connections.map(async (live): Promise<WorkersConnection> => {
      if (live.error) return { ...live, gone: [], settings: {} };
      try {
        const records = getConnection(live.name).records;
        const visible = (queue: string) => !scoped || scoped.queue(live.name, queue);
        const gone: BusyProcess[] = [];
        for (const raw of await records.readGone(WORKERS_LIMITS.gone, BUSY_RECORD_READ_MAX_BYTES)) {
          let parsed;
          try {
            parsed = busyRecordSchema.safeParse(JSON.parse(raw));
          } catch {
            continue;
          }
          if (!parsed.success) continue;
          const p = droverProcess(parsed.data);
          const queues = p.queues.filter(visible);
          if (queues.length > 0) gone.push({ ...p, queues, jobs: p.jobs.filter((j) => visible(j.queue)) });
        }
        const queues = [...new Set(live.processes.filter((p) => p.kind === 'drover').flatMap((p) => p.queues))].filter(visible);
        const stored = await records.workerSettings(queues);
        const settings: Record<string, WorkerSetting> = {};
        for (const [queue, raw] of stored) settings[queue] = parseWorkerSetting(raw);
        return { ...live, gone, settings };
      } catch (err) {
        return { ...live, error: toDroverError(err, live.name).message, gone: [], settings: {} };
      }
    }),
  );
  // The same bound setWorkerConcurrency checks: the page's field cannot offer more than the server takes.
  return { generatedAt: busy.generatedAt, limits: { ...WORKERS_LIMITS, concurrency: maxWorkerConcurrency() }, connections };
}
