// The metrics sampler's SQL on schema "drover" (lib/store/postgres/console/samples.ts): parameterized, every read limited.

/**
 * Appends one 10 s sample per queue at $4 from parallel arrays ($1 connections, $2 queues, $3 samples),
 * dropping a sample not newer than its queue's last one; when a sample opens a new minute, the queue's
 * previous sample becomes the closed minute's 1-minute point (downsampling is "last value of the
 * minute", done at write time, as on Redis). Returns one row per sample appended.
 */
export const APPEND = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS i(conn, queue, sample)
), fresh AS (
  SELECT i.conn, i.queue, i.sample, l.t AS last_t, l.sample AS last_sample
  FROM input i
  LEFT JOIN LATERAL (
    SELECT s.t, s.sample FROM drover.metric_sample s
    WHERE s.conn = i.conn AND s.queue = i.queue AND s.res = 10 ORDER BY s.t DESC LIMIT 1
  ) l ON true
  WHERE l.t IS NULL OR l.t < $4::bigint
), minutes AS (
  INSERT INTO drover.metric_sample (conn, queue, res, t, sample)
  SELECT f.conn, f.queue, 60, (f.last_t / 60000) * 60000, f.last_sample FROM fresh f
  WHERE f.last_t IS NOT NULL AND f.last_t / 60000 < $4::bigint / 60000
    AND NOT EXISTS (
      SELECT 1 FROM drover.metric_sample m
      WHERE m.conn = f.conn AND m.queue = f.queue AND m.res = 60 AND m.t >= (f.last_t / 60000) * 60000)
  ON CONFLICT DO NOTHING
)
INSERT INTO drover.metric_sample (conn, queue, res, t, sample)
SELECT conn, queue, 10, $4::bigint, sample FROM fresh
ON CONFLICT DO NOTHING
RETURNING 1`;

/** Retention: up to $3 points of resolution $1 older than $2 (of every series: a removed queue's go too). */
export const DELETE_OLD = `
DELETE FROM drover.metric_sample WHERE ctid IN (
  SELECT ctid FROM drover.metric_sample WHERE res = $1 AND t < $2 LIMIT $3)`;

const POINTS = (order: 'ASC' | 'DESC') => `
SELECT t::text, sample FROM drover.metric_sample
WHERE conn = $1 AND queue = $2 AND res = $3 AND t >= $4 AND ($5::bigint IS NULL OR t <= $5)
ORDER BY t ${order} LIMIT $6`;
export const OLDEST_POINTS = POINTS('ASC');
export const NEWEST_POINTS = POINTS('DESC');

/** The store's clock in ms: leases expire by the database's time, as Redis keys expire by Redis's. */
const NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** Takes lease $1 for $2 until now + $3 ms if it is free or expired; a row when taken. */
export const TAKE_LEASE = `
INSERT INTO drover.lease AS l (name, holder, expires_at) VALUES ($1, $2, ${NOW} + $3)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE l.expires_at <= ${NOW}
RETURNING holder`;

/** Extends lease $1 by $3 ms from now only for its live holder $2. */
export const RENEW_LEASE = `
UPDATE drover.lease SET expires_at = ${NOW} + $3 WHERE name = $1 AND holder = $2 AND expires_at > ${NOW}`;

export const RELEASE_LEASE = `DELETE FROM drover.lease WHERE name = $1 AND holder = $2`;
