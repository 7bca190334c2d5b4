// report: a CSV of a queue's finished jobs over a period into .data/reports/.
import { z } from 'zod';
import { queueNameSchema } from '@/lib/config/schema';
import { defineJobKind, retention } from './kind';

export const reportDataSchema = z
  .object({
    queue: queueNameSchema.describe('Queue whose finished jobs are reported (same connection)'),
    states: z.array(z.enum(['completed', 'failed'])).min(1).default(['completed', 'failed']),
    from: z.iso.datetime({ offset: true }).optional().describe('Start of the period (ISO 8601); default: lastMinutes before `to`'),
    to: z.iso.datetime({ offset: true }).optional().describe('End of the period (ISO 8601); default: now'),
    lastMinutes: z.number().int().min(1).max(60 * 24 * 31).default(60).describe('Period length when `from` is not given'),
    maxRows: z.number().int().min(1).max(100_000).default(10_000),
  })
  .refine((d) => !d.from || !d.to || Date.parse(d.from) <= Date.parse(d.to), { message: '`from` must not be after `to`', path: ['from'] });
export type ReportData = z.infer<typeof reportDataSchema>;

export const reportKind = defineJobKind({
  kind: 'report',
  queue: 'report',
  jobNames: ['queue-report'],
  description: "Build a CSV of a queue's completed/failed jobs over a period (id, name, state, attempts, timings, failure reason) into .data/reports/, with progress and job logs.",
  dataSchema: reportDataSchema,
  defaultJobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 30_000 }, ...retention(500, 500) },
  // One report at a time: they walk the queue's finished jobs (Redis sets, or BullMQ's table on PostgreSQL).
  concurrency: 1,
  schedulers: [
    {
      id: 'hourly-webhook-report',
      pattern: '5 * * * *',
      tz: 'UTC',
      template: { name: 'queue-report', data: { queue: 'webhook', states: ['completed', 'failed'], lastMinutes: 60, maxRows: 10_000 } },
    },
    {
      id: 'email-report-every-6h',
      every: 6 * 60 * 60 * 1000,
      template: { name: 'queue-report', data: { queue: 'email', states: ['completed', 'failed'], lastMinutes: 360, maxRows: 10_000 } },
    },
  ],
});
