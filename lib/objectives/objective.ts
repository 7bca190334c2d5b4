// Queue objectives (README › Queue objectives): what a queue should keep to — wait p95, oldest waiting
// job, failure rate, processing p95 — and the status the sampler's lease holder last judged against them.
// Zod only (the config schema imports this file).
import { z } from 'zod';

export const OBJECTIVE_LIMITS = {
  /** queues with objectives set in the console store (the config file's are bounded by the config schema) */
  storedQueues: 1000,
  /** queues per connection the config file may give objectives */
  configQueuesPerConnection: 1000,
  /** the window failure rate and the p95s are measured over, minutes */
  windowMinutesMax: 60,
  /** a p95 needs at least this many jobs finished in the window, else it is "no data" (not breached) */
  minSamples: 20,
  /** the most recently completed jobs read per queue per measurement for the p95s */
  timingsRead: 200,
  /** an objective's largest value: a day in ms for the times */
  maxMs: 86_400_000,
} as const;

/** A status this close to its objective (fraction) is "warn" (amber). */
export const WARN_FRACTION = 0.8;

const ms = (what: string) =>
  z
    .number()
    .int(`${what} must be whole milliseconds`)
    .min(1, `${what} must be ≥ 1 ms`)
    .max(OBJECTIVE_LIMITS.maxMs, `${what} must be at most ${OBJECTIVE_LIMITS.maxMs.toLocaleString('en-US')} ms (a day)`);

export const queueObjectivesSchema = z
  .object({
    /** 95th percentile of wait time (started − created) of jobs completed in the window */
    waitP95Ms: ms('waitP95Ms').optional(),
    /** age of the oldest waiting job, at every sample */
    oldestWaitMs: ms('oldestWaitMs').optional(),
    /** failed / (completed + failed) in the window, percent */
    failureRatePct: z.number().finite().min(0, 'failureRatePct must be ≥ 0').max(100, 'failureRatePct must be at most 100').optional(),
    /** 95th percentile of processing time (finished − started) of jobs completed in the window */
    processingP95Ms: ms('processingP95Ms').optional(),
    windowMinutes: z.number().int('windowMinutes must be whole minutes').min(1, 'windowMinutes must be ≥ 1').max(OBJECTIVE_LIMITS.windowMinutesMax, `windowMinutes must be at most ${OBJECTIVE_LIMITS.windowMinutesMax}`).default(15),
  })
  .strict()
  .refine((o) => OBJECTIVE_FIELDS.some((f) => o[f] !== undefined), 'set at least one objective (waitP95Ms, oldestWaitMs, failureRatePct or processingP95Ms)');
export type QueueObjectives = z.infer<typeof queueObjectivesSchema>;

export const OBJECTIVE_FIELDS = ['waitP95Ms', 'oldestWaitMs', 'failureRatePct', 'processingP95Ms'] as const;
export type ObjectiveField = (typeof OBJECTIVE_FIELDS)[number];

export const OBJECTIVE_LABELS: Record<ObjectiveField, string> = {
  waitP95Ms: 'Wait p95',
  oldestWaitMs: 'Oldest wait',
  failureRatePct: 'Failure rate',
  processingP95Ms: 'Processing p95',
};

export const objectiveValuesSchema = z.object({
  waitP95Ms: z.number().nullable(),
  oldestWaitMs: z.number().nullable(),
  failureRatePct: z.number().nullable(),
  processingP95Ms: z.number().nullable(),
});
export type ObjectiveValues = z.infer<typeof objectiveValuesSchema>;

export const OBJECTIVE_LEVELS = ['breach', 'warn', 'ok', 'none'] as const;
export const objectiveStatusSchema = z.object({
  at: z.number(),
  values: objectiveValuesSchema,
  breached: z.array(z.enum(OBJECTIVE_FIELDS)),
  /** breach: one objective missed; warn: one at ≥ 80 % of its objective; none: nothing could be measured */
  level: z.enum(OBJECTIVE_LEVELS),
  /** "Wait p95 4 m > 1 m · Oldest wait 12 s" */
  text: z.string(),
});
export type ObjectiveStatus = z.infer<typeof objectiveStatusSchema>;

export const objectivesViewSchema = z.object({
  /** the objectives in force: the config file's when it names the queue, else the console's; null when none */
  objectives: queueObjectivesSchema.nullable(),
  /** config: set in the config file (read-only here); console: set in the UI or API */
  source: z.enum(['config', 'console']).nullable(),
  status: objectiveStatusSchema.nullable(),
});
export type ObjectivesView = z.infer<typeof objectivesViewSchema>;

/** The scope key of a queue's objectives in the console store. */
export function objectiveScope(conn: string, queue: string): string {
  return `${conn}/${queue}`;
}

/** Splits "<conn>/<queue>" (connection names have no "/"; queue names may). */
export function splitObjectiveScope(scope: string): { conn: string; queue: string } {
  const i = scope.indexOf('/');
  return { conn: scope.slice(0, i), queue: scope.slice(i + 1) };
}

/** A stored record that no longer parses (another version wrote it) counts as none. */
export function parseObjectives(json: string | null | undefined): QueueObjectives | null {
  if (!json) return null;
  try {
    const parsed = queueObjectivesSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function parseObjectiveStatus(json: string | null | undefined): ObjectiveStatus | null {
  if (!json) return null;
  try {
    const parsed = objectiveStatusSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
