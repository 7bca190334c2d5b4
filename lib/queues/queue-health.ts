// What is wrong with a queue, in words, and the overview's "needs attention" order. Pure: the overview's
// numbers and the time come in as arguments, so the server, the browser and the tests agree.

/** The fields of an overview row the judgement reads. */
export type HealthInput = {
  name: string;
  connection: string;
  counts: { waiting: number; prioritized: number; active: number; delayed: number; failed: number };
  workers: number;
  paused: boolean;
  oldestWaitingAt: number | null;
  /** failures seen in the last RECENT_FAILURE_MINUTES; null when the console has no record to tell */
  recentFailed: number | null;
  /** the connection's dead-letter queue holds failures on purpose: its size is not an alarm */
  deadLetterQueue?: boolean;
  /** the queue's objectives as last judged (README › Queue objectives); null or absent: none set or not judged yet */
  objective?: { level: 'breach' | 'warn' | 'ok' | 'none'; breached: string[]; text: string } | null;
};

export const RECENT_FAILURE_MINUTES = 15;
/** A waiting job older than this is worth a look even with workers running. */
export const OLD_WAIT_MS = 60_000;

/** Most urgent first: no workers while jobs wait, an objective missed, jobs waiting too long, failing now, fine. */
export type HealthLevel = 'no-workers' | 'objective' | 'old-wait' | 'failing' | 'ok';
const LEVEL_RANK: Record<HealthLevel, number> = { 'no-workers': 0, objective: 1, 'old-wait': 2, failing: 3, ok: 4 };

export type QueueHealth = {
  level: HealthLevel;
  /** "No workers, 1,204 waiting", "Oldest wait 12 m", "37 failed in 15 m", "OK"; joined with " · " */
  text: string;
  /** how bad within its level (jobs waiting, ms of wait, failures): bigger first */
  weight: number;
  /** whether failures happened recently (the only failed figure shown in red) */
  failingNow: boolean;
  /** the queue against its objectives: breach (red), warn (amber, ≥ 80 % of one), else none */
  objective: 'breach' | 'warn' | null;
};

const count = new Intl.NumberFormat('en');

/** "45 s", "12 m", "3 h", "2 d": whole units, short enough for a table cell. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

export function waitingJobs(q: Pick<HealthInput, 'counts'>): number {
  return q.counts.waiting + q.counts.prioritized;
}

export function queueHealth(q: HealthInput, now: number): QueueHealth {
  const waiting = waitingJobs(q);
  const failed = q.deadLetterQueue ? 0 : (q.recentFailed ?? 0);
  const waitMs = q.oldestWaitingAt !== null && waiting > 0 ? Math.max(0, now - q.oldestWaitingAt) : 0;
  const reasons: string[] = [];
  let level: HealthLevel = 'ok';
  let weight = 0;
  // A paused queue holds its jobs on purpose: neither its backlog nor its wait is an alarm.
  if (!q.paused && !q.deadLetterQueue) {
    if (q.workers === 0 && waiting > 0) {
      level = 'no-workers';
      weight = waiting;
      reasons.push(`No workers, ${count.format(waiting)} waiting`);
    } else if (waitMs >= OLD_WAIT_MS) {
      level = 'old-wait';
      weight = waitMs;
      reasons.push(`Oldest wait ${shortDuration(waitMs)}`);
    }
  }
  const objective = q.objective?.level === 'breach' || q.objective?.level === 'warn' ? q.objective.level : null;
  if (objective === 'breach' && level !== 'no-workers') {
    // Missed objectives come before the generic "long wait" judgement: their text says which and by how much.
    level = 'objective';
    weight = q.objective!.breached.length;
    reasons.length = 0;
  }
  if (objective) reasons.push(q.objective!.text);
  if (failed > 0) {
    if (level === 'ok') {
      level = 'failing';
      weight = failed;
    }
    reasons.push(`${count.format(failed)} failed in ${RECENT_FAILURE_MINUTES} m`);
  }
  if (reasons.length === 0) reasons.push(q.paused ? `Paused${waiting > 0 ? `, ${count.format(waiting)} waiting` : ''}` : 'OK');
  return { level, text: reasons.join(' · '), weight, failingNow: failed > 0, objective };
}

/**
 * The "needs attention" comparator over queues already judged (the overview judges each row once, not
 * once per comparison): level, then weight within the level, then recent failures as a tie-break, then
 * connection and name (a stable order for equally fine queues).
 */
export function compareJudged(a: HealthInput & { health: QueueHealth }, b: HealthInput & { health: QueueHealth }): number {
  return (
    LEVEL_RANK[a.health.level] - LEVEL_RANK[b.health.level] ||
    b.health.weight - a.health.weight ||
    (b.recentFailed ?? 0) - (a.recentFailed ?? 0) ||
    a.connection.localeCompare(b.connection) ||
    a.name.localeCompare(b.name)
  );
}

/** compareJudged for queues not judged yet. */
export function compareAttention(a: HealthInput, b: HealthInput, now: number): number {
  return compareJudged({ ...a, health: queueHealth(a, now) }, { ...b, health: queueHealth(b, now) });
}
