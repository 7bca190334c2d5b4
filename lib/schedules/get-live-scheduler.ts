// One live job scheduler through BullMQ's own getJobScheduler (template data in full).
import 'server-only';
import type { JobSchedulerJson } from 'bullmq';
import type { Connection } from '@/lib/redis/connections';
import type { ScheduleDefinition } from './types';

/** BullMQ's JobSchedulerJson as the console's definition (what a re-upsert needs). */
export function definitionFromJson(id: string, json: JobSchedulerJson): ScheduleDefinition & { next: number | null } {
  const def: ScheduleDefinition & { next: number | null } = { id, template: { name: json.name }, next: json.next ?? null };
  if (json.pattern) def.pattern = json.pattern;
  if (json.every) def.every = json.every;
  if (json.tz) def.tz = json.tz;
  if (json.startDate) def.startDate = json.startDate;
  if (json.endDate) def.endDate = json.endDate;
  if (json.limit) def.limit = json.limit;
  if (json.offset) def.offset = json.offset;
  if (json.iterationCount !== undefined) def.iterationCount = json.iterationCount;
  if (json.template?.data !== undefined) def.template.data = json.template.data;
  if (json.template?.opts && Object.keys(json.template.opts).length > 0) def.template.opts = json.template.opts as Record<string, unknown>;
  return def;
}

/**
 * The live scheduler `id` of a queue, or null. Entries without BullMQ 6's "ic" field are legacy
 * repeatables, not schedulers (BullMQ 6 would misread a BullMQ 5 hashed entry as one).
 */
export async function readLiveScheduler(conn: Connection, queue: string, id: string): Promise<(ScheduleDefinition & { next: number | null }) | null> {
  const isScheduler = await conn.store.schedules.isScheduler(queue, id);
  if (!isScheduler) return null;
  // Without a zset entry BullMQ's getter throws for legacy-shaped ids: that is "no scheduler" too.
  const json = await conn
    .queue(queue)
    .getJobScheduler(id)
    .catch((err: Error) => {
      if (/Legacy repeatable/.test(err.message)) return undefined;
      throw err;
    });
  return json ? definitionFromJson(id, json) : null;
}
