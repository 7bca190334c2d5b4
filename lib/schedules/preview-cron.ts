// POST /api/v1/cron/preview: the next run times of a cron pattern (or interval) in its time zone, with
// DST transitions marked, or the precise error the same input would get when saved.
import 'server-only';
import { describeSchedule, previewRuns, type PreviewRun } from './cron';
import { validateTiming } from './validate-schedule';
import { localTimeZone } from './zone-format';
import type { CronPreviewInput } from './schema';

export type CronPreview = {
  description: string;
  /** the zone the runs are shown in */
  tz: string;
  /** true when no tz was given: BullMQ then uses the worker process's zone (shown: the console's) */
  tzDefaulted: boolean;
  runs: PreviewRun[];
};

export function previewCron(input: CronPreviewInput, now = Date.now()): CronPreview {
  const toMs = (v: string | number | null | undefined) => (v === null || v === undefined ? undefined : typeof v === 'number' ? v : Date.parse(v));
  const pattern = input.pattern?.trim() || undefined;
  const tz = input.tz?.trim() || undefined;
  const startDate = toMs(input.startDate);
  const endDate = toMs(input.endDate);
  validateTiming({ pattern, every: input.every, tz, startDate, endDate }, now);
  const zone = tz ?? (pattern ? localTimeZone() : 'UTC');
  return {
    description: describeSchedule({ pattern, every: input.every }),
    tz: zone,
    tzDefaulted: !tz && Boolean(pattern),
    runs: previewRuns({ pattern, every: input.every, tz: zone, startDate, endDate, count: input.count, now }),
  };
}
