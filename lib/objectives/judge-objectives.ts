// A queue's measured values against its objectives: breach (one missed), warn (one at ≥ 80 % of a
// goal above 0; a goal of 0 has no warning band: 0 is ok, anything more a breach), ok, or none (nothing
// measurable yet). Pure: the server, the browser and the tests agree.
import { shortDuration } from '@/lib/queues/queue-health';
import { OBJECTIVE_FIELDS, OBJECTIVE_LABELS, WARN_FRACTION, type ObjectiveField, type ObjectiveStatus, type ObjectiveValues, type QueueObjectives } from './objective';

/** "4 m", "850 ms", "12.5%" */
export function formatObjectiveValue(field: ObjectiveField, value: number): string {
  if (field === 'failureRatePct') return `${Math.round(value * 100) / 100}%`;
  return value < 1000 ? `${Math.round(value)} ms` : shortDuration(value);
}

export function judgeObjectives(objectives: QueueObjectives, values: ObjectiveValues, at: number): ObjectiveStatus {
  const breached: ObjectiveField[] = [];
  const near: ObjectiveField[] = [];
  let measured = 0;
  for (const field of OBJECTIVE_FIELDS) {
    const goal = objectives[field];
    const value = values[field];
    if (goal === undefined || value === null) continue;
    measured++;
    if (value > goal) breached.push(field);
    else if (goal > 0 && value >= goal * WARN_FRACTION) near.push(field);
  }
  const level = breached.length ? 'breach' : near.length ? 'warn' : measured ? 'ok' : 'none';
  const text = [...breached, ...near]
    .map((f) => `${OBJECTIVE_LABELS[f]} ${formatObjectiveValue(f, values[f]!)} ${breached.includes(f) ? '>' : '≤'} ${formatObjectiveValue(f, objectives[f]!)}`)
    .join(' · ');
  return { at, values, breached, level, text: text || (measured ? 'Objectives met' : 'No data yet') };
}
