// Drover's SQL over BullMQ's `scheduler` table and the jobs schedulers produced: read-only, parameterized.

/** Each queue's scheduler count and its first $2 schedulers, soonest first; template data only up to $3 bytes stored. */
export const SCHEDULERS_PAGE = `
SELECT q.queue, (SELECT count(*) FROM scheduler c WHERE c.queue = q.queue)::int AS total,
       s.scheduler_id, s.next_run_ms::text, s.name, s.iteration_count, s.limit_count, s.start_date_ms::text, s.end_date_ms::text,
       s.tz, s.pattern, s.every_ms::text, s.offset_ms::text, s.template_opts::text AS opts, s.data_size,
       -- The cap is on the JSON text, as on Redis: the stored size is compressed (4 MB of JSON can store in 45 KB).
       CASE WHEN s.data_size <= $3 AND octet_length(s.template_data::text) <= $3 THEN s.template_data::text END AS data
FROM unnest($1::text[]) AS q(queue)
LEFT JOIN LATERAL (
  SELECT *, coalesce(pg_column_size(template_data), 0) AS data_size FROM scheduler
  WHERE queue = q.queue ORDER BY next_run_ms NULLS LAST, scheduler_id LIMIT $2
) s ON true
ORDER BY q.queue, s.next_run_ms NULLS LAST, s.scheduler_id`;

export const SCHEDULER_COUNTS = `
SELECT q.queue, (SELECT count(*) FROM scheduler c WHERE c.queue = q.queue)::int AS n FROM unnest($1::text[]) AS q(queue)`;

/** Among the $2 most recently finished jobs of a queue (the finished partial index), those of the given schedulers. */
export const SCHEDULE_OUTCOMES = `
SELECT recent.scheduler_id, recent.id, recent.state::text AS state, recent.finished_at_ms::text AS finished_at_ms FROM (
  SELECT scheduler_id, id, state, finished_at_ms FROM job
  WHERE queue = $1 AND state IN ('completed', 'failed') ORDER BY finished_at_ms DESC LIMIT $2
) recent WHERE recent.scheduler_id = ANY($3::text[])`;

export const SCHEDULER_NEXT = `SELECT next_run_ms::text FROM scheduler WHERE queue = $1 AND scheduler_id = $2`;
export const JOB_IS_DELAYED = `SELECT (state = 'delayed') AS delayed FROM job WHERE queue = $1 AND id = $2`;
