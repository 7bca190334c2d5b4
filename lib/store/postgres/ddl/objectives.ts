// Migration 10, "queue objectives": tables drover.queue_objective and drover.objective_status
// (lib/store/postgres/console/objectives.ts). Part of a migration: append-only once released.
export const OBJECTIVES_DDL = `
-- One row per queue ("<conn>/<queue>") with objectives set in the console; "record" is the JSON Redis keeps
-- (lib/objectives/objective.ts). At most 1,000 rows (OBJECTIVE_LIMITS.storedQueues); cleared objectives delete their row.
CREATE TABLE drover.queue_objective (
  scope  text NOT NULL PRIMARY KEY,
  record text NOT NULL
);
-- The status the sampler's lease holder last judged per queue with objectives (config file's or console's);
-- replaced whole each measurement round.
CREATE TABLE drover.objective_status (
  scope  text NOT NULL PRIMARY KEY,
  status text NOT NULL
);
`;
