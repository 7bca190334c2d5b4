// One-click migration of a BullMQ 5 repeatable (which BullMQ 6 can neither list nor advance) to a job
// scheduler: same timing, template from its pending job; the legacy entry and that job are removed
// only after the new scheduler exists.
import 'server-only';
import { createHash } from 'node:crypto';
import { Job } from 'bullmq';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { ConflictError, InvalidError, NotFoundError } from '@/lib/errors';
import { MAX_JOB_DATA_BYTES } from '@/lib/jobs/schemas';
import type { Connection } from '@/lib/redis/connections';
import { parseLegacyKey } from './read-schedulers';
import { readLiveScheduler } from './get-live-scheduler';
import { getPausedSchedule } from './paused-store';
import { validateSchedule } from './validate-schedule';
import { scheduleOperations as ops } from '@/lib/operations/schedules';
import { describeSchedule } from './cron';
import { formatRunTime } from './zone-format';
import type { MigrateLegacyInput, SchedulerParams } from './schema';

const TEMPLATE_OPTION_KEYS = ['attempts', 'backoff', 'priority', 'lifo', 'removeOnComplete', 'removeOnFail', 'keepLogs', 'stackTraceLimit', 'sizeLimit'];

type LegacyEntry = { name: string | null; jobId: string | null; pattern: string | null; every: number | null; tz: string | null; endDate: number | null; hashed: boolean };

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

async function readLegacyEntry(conn: Connection, queue: string, key: string): Promise<{ entry: LegacyEntry; next: number }> {
  const repeatKey = conn.key(queue, 'repeat');
  const [[, score], [, fields], [, ic]] = ((await conn.redis
    .pipeline()
    .zscore(repeatKey, key)
    .hmget(`${repeatKey}:${key}`, 'name', 'tz', 'pattern', 'endDate', 'every')
    .hexists(`${repeatKey}:${key}`, 'ic')
    .exec()) ?? []) as [[unknown, string | null], [unknown, Array<string | null>], [unknown, number]];
  if (score === null || score === undefined) throw new NotFoundError(`No legacy repeatable "${key}" in queue "${queue}"`);
  if (ic === 1) throw new InvalidError(`"${key}" is a BullMQ 6 job scheduler, not a legacy repeatable`);
  const next = Number(score);
  const [name, tz, pattern, endDate, every] = fields;
  if (name) {
    return { next, entry: { hashed: true, name, jobId: null, tz: tz || null, pattern: pattern || null, endDate: endDate ? Number(endDate) : null, every: every ? Number(every) : null } };
  }
  const parsed = parseLegacyKey(queue, key, next);
  if (!parsed.name || (!parsed.pattern && !parsed.every)) {
    throw new InvalidError(`Legacy entry "${key}" has no metadata (no hash and not a "name:id:endDate:tz:pattern" key): there is nothing to migrate it from`);
  }
  return { next, entry: { hashed: false, name: parsed.name, jobId: parsed.jobId, tz: parsed.tz, pattern: parsed.pattern, every: parsed.every, endDate: parsed.endDate } };
}

/**
 * The legacy repeatable's pending job, whose data is the template: BullMQ 5 named it
 * "repeat:<key>:<next>" (hashed keys) or "repeat:<md5(name + jobId + md5(key))>:<next>" (older keys);
 * when neither exists, the delayed jobs due at that millisecond are checked for its "rjk".
 */
async function findPendingJob(conn: Connection, queue: string, key: string, entry: LegacyEntry, next: number): Promise<string | null> {
  const candidates = entry.hashed ? [`repeat:${key}:${next}`] : [...new Set([md5(`${entry.name}${entry.jobId ?? ''}${md5(key)}`), md5(`${entry.name}${md5(key)}`)])].map((h) => `repeat:${h}:${next}`);
  const byRjk = async (ids: string[]) => {
    if (ids.length === 0) return null;
    const pipeline = conn.redis.pipeline();
    for (const id of ids) pipeline.hget(conn.key(queue, id), 'rjk');
    const results = (await pipeline.exec()) ?? [];
    const index = results.findIndex(([, rjk]) => rjk === key);
    return index >= 0 ? ids[index] : null;
  };
  const direct = await byRjk(candidates);
  if (direct) return direct;
  // Delayed scores are timestamp * 4096 + a counter.
  const due = await conn.redis.zrangebyscore(conn.key(queue, 'delayed'), next * 0x1000, next * 0x1000 + 0xfff, 'LIMIT', 0, 100);
  return byRjk(due);
}

async function readTemplate(conn: Connection, queue: string, jobId: string): Promise<{ name: string; data: unknown; opts: Record<string, unknown> } | null> {
  const jobKey = conn.key(queue, jobId);
  const [name, opts] = await conn.redis.hmget(jobKey, 'name', 'opts');
  const size = await conn.redis.hstrlen(jobKey, 'data');
  if (size > MAX_JOB_DATA_BYTES) throw new InvalidError(`The legacy job's data is ${size} bytes; the limit is ${MAX_JOB_DATA_BYTES} bytes`);
  const raw = size > 0 ? await conn.redis.hget(jobKey, 'data') : '{}';
  if (name === null) return null;
  const decoded = Job.optsFromJSON(opts ?? '{}') as Record<string, unknown>;
  const templateOpts = Object.fromEntries(Object.entries(decoded).filter(([k, v]) => TEMPLATE_OPTION_KEYS.includes(k) && v !== undefined && v !== null));
  return { name, data: JSON.parse(raw ?? '{}'), opts: templateOpts };
}

export async function migrateLegacyRepeatable(ctx: AuditContext, t: SchedulerParams, input: MigrateLegacyInput): Promise<{ message: string; id: string }> {
  return audited(ctx, ops.migrateLegacyRepeatable, { connection: t.conn, queue: t.queue, params: { key: t.schedulerId, ...(input.id ? { id: input.id } : {}) } }, async (conn) => {
    const key = t.schedulerId;
    const { entry, next } = await readLegacyEntry(conn, t.queue, key);
    const pendingJobId = await findPendingJob(conn, t.queue, key, entry, next);
    const fromJob = pendingJobId ? await readTemplate(conn, t.queue, pendingJobId) : null;
    const template = input.template ? { name: input.template.name, data: input.template.data ?? {}, opts: fromJob?.opts ?? {} } : fromJob;
    if (!template) {
      throw new InvalidError(`The pending job of legacy repeatable "${key}" is gone, so its data is unknown: migrate it with an explicit template ({ "template": { "name", "data" } })`, {
        template: ['required: the legacy job data was not found'],
      });
    }
    const id = input.id ?? entry.jobId ?? entry.name ?? key;
    const [live, paused] = await Promise.all([readLiveScheduler(conn, t.queue, id), getPausedSchedule(conn, t.queue, id)]);
    if (live || paused) throw new ConflictError(`A schedule "${id}" already exists in queue "${t.queue}": give the migrated schedule another id`);

    const now = Date.now();
    const valid = validateSchedule(t.queue, {
      ...(entry.pattern ? { pattern: entry.pattern, ...(entry.tz ? { tz: entry.tz } : {}) } : { every: entry.every! }),
      // An interval keeps its phase: its first run is the legacy entry's next run.
      ...(entry.every && next > now ? { startDate: next } : {}),
      ...(entry.endDate ? { endDate: entry.endDate } : {}),
      template: { name: template.name, data: template.data, opts: template.opts },
    });
    await conn.queue(t.queue).upsertJobScheduler(id, valid.repeat, valid.template);
    const score = await conn.redis.zscore(conn.key(t.queue, 'repeat'), id);
    if (score === null) throw new ConflictError(`BullMQ produced no run for the migrated schedule "${id}": the legacy entry is left as it was`);

    // Now that the scheduler exists, the legacy entry and its pending job go (else both would fire).
    const repeatKey = conn.key(t.queue, 'repeat');
    await conn.redis.multi().zrem(repeatKey, key).del(`${repeatKey}:${key}`).exec();
    let note = '';
    if (pendingJobId) {
      const removed = await conn
        .queue(t.queue)
        .remove(pendingJobId)
        .catch(() => 0);
      if (removed !== 1) note = ` Its pending job ${pendingJobId} could not be removed (running?): it may run once more.`;
    }
    return {
      result: { message: `Legacy repeatable migrated to schedule "${id}" (${describeSchedule(entry)}): next run ${formatRunTime(Number(score), entry.tz)}.${note}`, id },
      details: { id },
    };
  });
}
