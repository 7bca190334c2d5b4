// One recorded point of a queue: its state counts, workers, paused flag, oldest wait and measured p95s, and how it is encoded
// as stream fields (one-letter names keep entries small; values are integers Redis packs tightly).
import type { QueueCounts } from '@/lib/queues/queue-summary';

export type DepthPoint = {
  /** sample time (10 s series) or minute start (1-minute series), ms */
  t: number;
  waiting: number;
  active: number;
  delayed: number;
  prioritized: number;
  waitingChildren: number;
  completed: number;
  failed: number;
  workers: number;
  paused: boolean;
  /** age of the oldest waiting job in seconds (0: none waiting); absent on points recorded before it was (README › Queue objectives) */
  oldestWaitS?: number;
  /**
   * the queue's wait and processing p95 (ms) in force at this sample, as its objective status has them
   * (README › Queue objectives); absent when not measured (no p95 objective, too few jobs, not read yet,
   * points recorded before they were): a gap on the chart, never 0
   */
  waitP95Ms?: number;
  processingP95Ms?: number;
};

/** The p95s measured for a queue's objectives (lib/objectives/measure-objectives.ts); null: not measured. */
export type SampledP95s = { waitP95Ms: number | null; processingP95Ms: number | null };

const FIELDS = [
  ['w', 'waiting'],
  ['a', 'active'],
  ['d', 'delayed'],
  ['p', 'prioritized'],
  ['wc', 'waitingChildren'],
  ['c', 'completed'],
  ['f', 'failed'],
  ['k', 'workers'],
] as const;

export function encodeSample(counts: QueueCounts, workers: number, paused: boolean, oldestWaitS?: number, p95s?: SampledP95s): Array<string | number> {
  const fields = [
    'w', counts.waiting,
    'a', counts.active,
    'd', counts.delayed,
    'p', counts.prioritized,
    'wc', counts['waiting-children'],
    'c', counts.completed,
    'f', counts.failed,
    'k', workers,
    'z', paused ? 1 : 0,
  ];
  if (oldestWaitS !== undefined) fields.push('o', oldestWaitS);
  // Only measured p95s are written: an absent field is "not measured", not 0.
  if (p95s?.waitP95Ms != null) fields.push('pw', Math.round(p95s.waitP95Ms));
  if (p95s?.processingP95Ms != null) fields.push('pp', Math.round(p95s.processingP95Ms));
  return fields;
}

/** A stream entry [id, [field, value, …]] as a point; unknown fields are ignored, missing ones are 0. */
export function decodeSample(id: string, fields: string[]): DepthPoint {
  const raw: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) raw[fields[i]] = fields[i + 1];
  const point = { t: Number(id.split('-')[0]), paused: raw.z === '1' } as DepthPoint;
  for (const [field, name] of FIELDS) point[name] = Number(raw[field] ?? 0) || 0;
  if (raw.o !== undefined) point.oldestWaitS = Number(raw.o) || 0;
  if (raw.pw !== undefined && Number.isFinite(Number(raw.pw))) point.waitP95Ms = Number(raw.pw);
  if (raw.pp !== undefined && Number.isFinite(Number(raw.pp))) point.processingP95Ms = Number(raw.pp);
  return point;
}

/** Jobs of a queue in every counted state (the dead-letter queue's size). */
export function totalJobs(p: Pick<DepthPoint, 'waiting' | 'active' | 'delayed' | 'prioritized' | 'waitingChildren' | 'completed' | 'failed'>): number {
  return p.waiting + p.active + p.delayed + p.prioritized + p.waitingChildren + p.completed + p.failed;
}
