// The audit log's SQL on schema "drover" (lib/store/postgres/console/audit.ts): parameterized, every read limited.

/** Bumps the entry of aggregation $1 still in its window at $2; no row when there is none (or it was capped away). */
export const BUMP_AGGREGATE = `
UPDATE drover.audit a SET repeat_count = a.repeat_count + 1, repeat_last = $2
FROM drover.audit_aggregate g
WHERE g.digest = $1 AND g.expires_at > $2 AND a.id = g.audit_id
RETURNING a.id::text, a.at::text, a.repeat_count`;

/** $1 at, $2 entry JSON, $3 true when it aggregates (its repeat count starts at 1). */
export const INSERT_ENTRY = `
INSERT INTO drover.audit (at, entry, repeat_count, repeat_first, repeat_last)
VALUES ($1, $2, CASE WHEN $3 THEN 1 END, CASE WHEN $3 THEN $1::bigint END, CASE WHEN $3 THEN $1::bigint END)
RETURNING id::text`;

export const SET_AGGREGATE = `
INSERT INTO drover.audit_aggregate (digest, audit_id, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (digest) DO UPDATE SET audit_id = excluded.audit_id, expires_at = excluded.expires_at`;

/**
 * The cap: up to $2 of the oldest entries with an id ≤ $1 (the new id minus the cap) go, row locks
 * only (SKIP LOCKED: parallel appends take different batches instead of queueing behind one).
 */
export const DELETE_OLDEST = `
DELETE FROM drover.audit WHERE id IN (
  SELECT id FROM drover.audit WHERE id <= $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)`;

/** Up to $2 aggregations whose window ended by $1. */
export const DELETE_EXPIRED_AGGREGATES = `
DELETE FROM drover.audit_aggregate WHERE digest IN (
  SELECT digest FROM drover.audit_aggregate WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`;

/** Keyset page newest first: id < $1 (when given), at within [$2, $3] (when given), $4 rows. */
export const READ_BEFORE = `
SELECT a.id::text AS id, a.at::text AS at, a.entry FROM drover.audit a
WHERE ($1::bigint IS NULL OR a.id < $1) AND ($2::bigint IS NULL OR a.at >= $2) AND ($3::bigint IS NULL OR a.at <= $3)
ORDER BY a.id DESC LIMIT $4`;

export const REPEATS = `
SELECT id::text, repeat_count, repeat_first::text, repeat_last::text FROM drover.audit WHERE id = ANY($1::bigint[])`;

export const SIZE = `SELECT count(*)::int AS n FROM drover.audit`;

/**
 * The write probe: an insert into the audit that inserts nothing. PostgreSQL checks it as a write all the
 * same (a read-only standby or a read-only session refuses it with 25006, a missing INSERT grant with
 * 42501), and it leaves no row and no WAL behind.
 */
export const PROBE_WRITE = `INSERT INTO drover.audit (at, entry) SELECT 0, '' WHERE false`;
