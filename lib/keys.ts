// Every Redis key the console itself owns. All start with "drover:" and live in the console connection
// unless marked per-connection. Type and retention are listed next to each key.
// Console keys carry the hash tag {console} so that, on a Redis Cluster, they share one slot and
// multi-key commands (MULTI, pipelines) work; per-connection keys embed the queue prefix instead
// (e.g. "{bull}"), which puts them in the same slot as the queue's own keys.

// The per-connection keys below are a Redis connection's (Connection.records, lib/store/redis/
// connection-records.ts); a PostgreSQL connection keeps the same records in schema "drover" of its own
// database (lib/store/postgres/ddl/runtime.ts).

export const KEYS = {
  /** hash email → user JSON {email, role, passwordHash, createdAt, …}. Kept until removed. */
  users: 'drover:{console}:users',
  /** hash sha256(token) → API token JSON {id, name, role, createdBy, createdAt, expiresAt?}. Kept until revoked. */
  apiTokens: 'drover:{console}:api-tokens',
  /** hash token id → sha256(token), to revoke by id. Kept until revoked. */
  apiTokenIds: 'drover:{console}:api-token-ids',
  /** hash token name, lower-cased (NFKC) → id of the live token holding it: names are unique across all
   *  admins. Written with the token (one Lua script, lib/auth/lua/create-api-token-3.ts); the field is
   *  removed when that token is revoked. Tokens from before this index are added on the next creation. */
  apiTokenNames: 'drover:{console}:api-token-names',
  /** hash token id → last time (ms) the token authenticated a request, written at most once a minute
   *  per token and console process. Field removed when the token is revoked. */
  apiTokenLastUsed: 'drover:{console}:api-token-last-used',
  /** zset of sign-in failures (and attempts being checked) per client address, an IPv6 address by its
   *  /64: member "<ms>:<random>" → time (ms); at most 10 members; expires 15 min after the last attempt. */
  signinFailuresByIp: (address: string) => `drover:{console}:signin-failures:ip:${address}`,
  /** the same per account (normalized email), charged also by a wrong current password when a user
   *  changes their own; deleted by a successful sign-in or password check. */
  signinFailuresByAccount: (email: string) => `drover:{console}:signin-failures:account:${email}`,
  /** zset of a user's live sessions: sid (random, carried in the session JWT) → expiry (ms). At most 50
   *  (the oldest are dropped); expires with the newest session (7 days); deleted on "sign out
   *  everywhere", password reset, role change and removal of the user; a user changing their own
   *  password keeps only the session they changed it from (the key then expires with it). */
  userSessions: (email: string) => `drover:{console}:sessions:${email}`,
  /** stream of audit entries (JSON ≤ 1 KB each), capped at ~100k entries (XADD MAXLEN ~, DROVER_AUDIT_MAX_ENTRIES). */
  audit: 'drover:{console}:audit',
  /** string = stream id of the entry that aggregates one (actor, action, outcome)'s refusals; expires 10 min after
   *  that entry was written (the next refusal then starts a new entry). Key: a digest, not the actor's name. */
  auditAggregate: (digest: string) => `drover:{console}:audit:agg:${digest}`,
  /** hash stream id → "count firstMs lastMs" of aggregated refusal entries; a field goes when the stream trims its entry. */
  auditRepeats: 'drover:{console}:audit:repeats',
  /** zset stream id → entry time (ms), to drop auditRepeats fields of trimmed entries (≤ 100 per append). */
  auditRepeatsIndex: 'drover:{console}:audit:repeats-index',
  /**
   * list of JSON attempt records of one job, newest first (lib/attempts). Per-connection: lives in the
   * Redis of the job. Capped at 25 entries (LTRIM), expires 14 days after the last write.
   */
  jobAttempts: (prefix: string, queue: string, jobId: string) => `drover:attempts:${prefix}:${queue}:${jobId}`,
  /** pub/sub channel (no storage) of cancel requests for a queue's running jobs (lib/cancellation). Per-connection. */
  cancelChannel: (prefix: string, queue: string) => `drover:cancel:${prefix}:${queue}`,
  /**
   * string (the time in ms the pause ends) set when a receiver answered 429 or Retry-After: the worker
   * runtime delays that queue's jobs for this receiver ("host:port") until then, other receivers keep
   * flowing (workers/runtime/peer-pause.ts). Expires when the pause ends (PX = Retry-After, ≤ 10 min).
   * Per-connection.
   */
  peerPause: (prefix: string, queue: string, peer: string) => `drover:peer-pause:${prefix}:${queue}:${peer}`,
  /**
   * hash {v: version, r: record JSON} of one destination's circuit breaker (lib/circuits: state, failure
   * counts, cool-down, probe claim, last 5 failures), written by compare-and-set from every worker
   * runtime of the connection. Expires 7 days after its last change. Per-connection.
   */
  circuit: (prefix: string, destination: string) => `drover:circuit:${prefix}:${destination}`,
  /**
   * zset destination → last change (ms, Redis TIME) of the connection's closed circuits: the console's
   * list after the held ones; the oldest are evicted (hash deleted) when the connection holds 2,000
   * records. 7 days. Per-connection. (Before the held index existed it held every circuit.)
   */
  circuitIndex: (prefix: string) => `drover:circuits:${prefix}`,
  /**
   * zset destination → last change (ms) of the connection's open and half-open circuits (disjoint from
   * circuitIndex): read in full by the console's list and the circuit-open alert. ≤ 1,000 members (a
   * circuit that would open beyond stays untracked), 7 days. Per-connection.
   */
  circuitHeldIndex: (prefix: string) => `drover:circuits-held:${prefix}`,
  /**
   * zset runtime id → expiry (ms, in Redis's clock: TIME) of the Drover worker runtimes that beat
   * recently: the index of the Busy view (lib/workers/busy). Written with each heartbeat (every
   * DROVER_BUSY_HEARTBEAT_MS, 5 s), expired members pruned on every beat, and the key expires 10 min
   * after the last beat of any runtime (a fixed expiry: one runtime's own would drop the others'). Per-connection:
   * embeds the queue prefix, so on a cluster it shares the prefix's hash tag with the records below.
   */
  busyIndex: (prefix: string) => `drover:busy:${prefix}:runtimes`,
  /**
   * string = JSON heartbeat of one worker runtime process {host, pid, startedAt, queues (at most 50),
   * queuesTotal, concurrency, jobs running now (the oldest, at most 100: queue, id cut at 512 chars,
   * name at 200, start), jobsTotal} (lib/workers/busy-record.ts), ≤ 64 KB (jobs stop there); the console
   * reads none larger than 128 KB. PX 3 beats (15 s): a stopped or killed process's record expires by itself; a graceful
   * stop deletes it. Per-connection.
   */
  busyRecord: (prefix: string, runtimeId: string) => `drover:busy:${prefix}:runtime:${runtimeId}`,
  /**
   * zset runtime id → its last beat (ms, Redis TIME) of the runtimes that beat within the hour, at most
   * 200 (the most recent): the Workers view lists those whose busyRecord expired as gone. Expires an
   * hour after the last beat of any runtime. Per-connection.
   */
  busySeen: (prefix: string) => `drover:busy:${prefix}:seen`,
  /** string = a runtime's last heartbeat (as busyRecord), PX 1 h: what the Workers view shows of a gone process. Per-connection. */
  busyLast: (prefix: string, runtimeId: string) => `drover:busy:${prefix}:last:${runtimeId}`,
  /** list of worker acknowledgements of one cancel request; expires 60 s after the last ack. Per-connection. */
  cancelAck: (requestId: string) => `drover:cancel-ack:${requestId}`,
  /**
   * pub/sub channel (no storage) of worker control commands (quiet, unquiet, stop, set-concurrency,
   * pause-local, resume-local; lib/worker-control) to every Drover runtime of the prefix, ≤ 4 KB a message.
   * Per-connection: embeds the prefix, so on a cluster it shares the prefix's hash tag (sharded pub/sub).
   */
  controlChannel: (prefix: string) => `drover:control:${prefix}`,
  /** list of runtime acknowledgements of one control command; expires 60 s after the last ack. Per-connection. */
  controlAck: (requestId: string) => `drover:control-ack:${requestId}`,
  /**
   * hash `<queue>:concurrency` → number, `<queue>:paused` → "1" (lib/worker-control/control-message.ts):
   * what every Drover runtime of the prefix applies to that queue, those started later too; one field per
   * setting so two consoles never overwrite each other. Kept until changed back in the console (a field
   * goes when it holds nothing); at most WORKER_SETTINGS_MAX_QUEUES (1,000) queues, checked in the same
   * script that writes (lib/worker-control/lua/worker-setting-update-1.ts). Per-connection.
   */
  workerSettings: (prefix: string) => `drover:worker-settings:${prefix}`,
  /** string (timestamp) set once `npm run seed` has seeded a prefix, so `--if-empty` seeds once. Kept until removed. Per-connection. */
  seeded: (prefix: string) => `drover:seeded:${prefix}`,
  /**
   * hash {done,total,phase,finished,updatedAt,conn?,queue?} of one bulk operation's progress; expires after 1 h. A bulk
   * operation on a query also has `<id>:control` (phase = pause | resume | cancel, written by another replica).
   */
  operation: (id: string) => `drover:{console}:op:${id}`,
  /**
   * hash "<queue>:<schedulerId>" → JSON {scheduler (BullMQ JobSchedulerJson + template), pausedAt, pausedBy}
   * of the paused job schedulers of one prefix (lib/schedules). Per-connection. A field is kept until
   * the schedule is resumed or deleted.
   */
  pausedSchedulers: (prefix: string) => `drover:paused-schedulers:${prefix}`,
  /** string written before every change (denyoom), so a Redis at maxmemory refuses the change before any
   *  BullMQ script runs (those scripts are not refused up front and could apply partly); expires after 10 s.
   *  Per-connection: embeds the queue prefix, so on a cluster it lives in the queues' slot. */
  writeProbe: (prefix: string) => `drover:write-probe:${prefix}`,
  /** the same probe for the console Redis (audit, users). */
  consoleWriteProbe: 'drover:{console}:write-probe',
  /**
   * stream of one queue's state counts every 10 s (lib/metrics), entry id = sample time in ms, integer
   * fields w a d p wc c f (waiting, active, delayed, prioritized, waiting-children, completed, failed),
   * k (workers), z (paused 0/1), o (oldest wait s), and pw / pp (wait / processing p95 ms) when the queue's
   * objectives measured them (lib/metrics/sample.ts). A stream, not a zset of packed members: its listpack nodes delta-encode
   * ids and share field names, ~42 bytes a point (~47 with the p95s) against ~150 for a zset, and XRANGE by time is bounded
   * with COUNT. Trimmed to the last 24 h (exact XADD MINID: about one entry leaves per write); the key
   * expires 24 h after the last sample (a removed queue's series go).
   */
  metricsSamples10s: (conn: string, queue: string) => `drover:{console}:metrics:${conn}:${queue}:10s`,
  /** the same fields at 1-minute resolution: the last 10 s sample of each minute, written when the minute
   *  closes. Trimmed to DROVER_METRICS_RETENTION_DAYS (default 7) days (XADD MINID); expires that long after the last sample. */
  metricsSamples1m: (conn: string, queue: string) => `drover:{console}:metrics:${conn}:${queue}:1m`,
  /** string = instance id of the console that samples metrics and evaluates alerts (SET NX PX); expires
   *  3 sample intervals (at least 5 s) after its holder last renewed it. */
  metricsSamplerLock: 'drover:{console}:metrics:sampler-lock',
  /** hash rule id → alert rule JSON (lib/alerts; holds the webhook URL, never sent to browsers). Kept until deleted. */
  alertRules: 'drover:{console}:alerts:rules',
  /** hash rule id → JSON evaluation state per target {state ok|pending|firing, since, value, notified…}. Deleted with the rule. */
  alertState: 'drover:{console}:alerts:state',
  /** list of alert history entries (JSON: transitions, notifications, tests), newest first, capped at 500 (LTRIM). */
  alertHistory: 'drover:{console}:alerts:history',
  /** hash channel id → paging channel JSON {id, name, type, config, …} (lib/alerts/channels; holds the secrets,
   *  never sent to browsers). At most 50 (MAX_CHANNELS). Kept until deleted. */
  alertChannels: 'drover:{console}:alerts:channels',
  /** string = JSON delivery record {status sending|sent|failed, holder, tries, claimedUntil, retryAt, error} of one
   *  notification to one channel (lib/alerts/deliveries.ts; `hash` = sha256 of rule, target, episode, state and
   *  channel). Claimed with SET-if-free by Lua; expires 7 days after its last write (PX). */
  alertDelivery: (hash: string) => `drover:{console}:alerts:delivery:${hash}`,
  /** string = the episode (ms) of a firing alert target (`hash` = sha256 of rule and target), the same for every
   *  console replica (SET-if-absent by Lua). Deleted when the target resolves; expires 7 days after it was set (PX). */
  alertEpisode: (hash: string) => `drover:{console}:alerts:episode:${hash}`,
  /** string = the time (ms) of a channel's last Test (lib/alerts/channels/test-limit.ts); expires when the next one
   *  is allowed (PX 10 s). */
  alertChannelTestLast: (channelId: string) => `drover:{console}:alerts:channel-test:${channelId}`,
  /** zset random member → time (ms) of every channel Test of the last minute (the console-wide cap); older ones
   *  removed by the Lua that adds one, the key expires a minute after the last test (PX). */
  alertChannelTests: 'drover:{console}:alerts:channel-tests',
  /** zset random member → time (ms) of every alert rule Test of the last minute (the console-wide cap of rule Tests, apart from
   *  the channels'); as alertChannelTests. */
  alertRuleTests: 'drover:{console}:alerts:rule-tests',
  /** hash view id → saved view JSON {id, conn, queue, name, query, within, columns, order, visibility, owner, …}
   *  (lib/views). Kept until deleted. Written only with the id sets below (one Lua script, lib/views/lua/save-view-3.ts). */
  views: 'drover:{console}:views',
  /** set of the ids of shared views: at most 500 (VIEW_LIMITS.sharedPerConsole). A member goes with its view. */
  viewsShared: 'drover:{console}:views:shared',
  /** set of the ids of one owner's private views (owner: a user's email, an API token's id): at most 50
   *  (VIEW_LIMITS.privatePerOwner). A member goes with its view, or moves to the shared set when the view is shared. */
  viewsPrivate: (owner: string) => `drover:{console}:views:private:${owner}`,
  /** hash scope → JSON array of link templates {label, url} set by admins (lib/links): scope "<conn>" for a
   *  connection's links, "<conn>/<queue>" for a queue's. At most 10 templates per field (LINK_LIMITS.perScope),
   *  one field per connection and per queue that has links; a field goes when its list is emptied. Kept until changed. */
  linkTemplates: 'drover:{console}:links',
  /** hash "<conn>/<queue>" → queue objectives JSON {waitP95Ms?, oldestWaitMs?, failureRatePct?, processingP95Ms?,
   *  windowMinutes} set in the console (lib/objectives). At most 1,000 fields (OBJECTIVE_LIMITS.storedQueues); a field
   *  goes when its objectives are cleared. Kept until cleared. */
  objectives: 'drover:{console}:objectives',
  /** hash "<conn>/<queue>" → objective status JSON {at, values, breached, level, text} the sampler's lease holder last
   *  judged (lib/objectives/measure-objectives.ts). One field per queue with objectives (config or console); fields of
   *  queues that no longer have objectives are removed by the writer. */
  objectiveStatus: 'drover:{console}:objectives:status',
  /** hash "<queue>\n<scheduler id>" → watch record JSON {next, status, missedCount, missedSince, lastSeenAt, goneAt…}
   *  of one connection's job schedulers (lib/schedules/watch). One field per scheduler seen by the watch round;
   *  removed when Drover deletes or pauses the scheduler, when it is forgotten, or 7 days after it disappeared. */
  scheduleWatch: (conn: string) => `drover:{console}:schedules:watch:${conn}`,
  /** zset due time (ms) → run JSON {due, jobId, enqueuedAt, startedAt, finishedAt, outcome} of one scheduler:
   *  the newest 50 (SCHEDULE_RUNS_KEPT) kept, expires 30 days after its last write (SCHEDULE_RUNS_TTL_MS). */
  scheduleRuns: (conn: string, queue: string, id: string) => `drover:{console}:schedules:runs:${conn}:${queue}:${id}`,
  /** set of "<role> <operation>": operations an admin withheld from a role (the permission matrix, lib/auth/permissions.ts;
   *  the config file's entries are not stored). At most 3 roles × the operation table; replaced whole by permissions.set. Kept until changed. */
  withheldOperations: 'drover:{console}:permissions:withheld',
  /**
   * Dead-letter indexes of one connection's DLQ (lib/dlq). Per-connection: the key embeds the queue prefix,
   * so on a cluster it shares the queues' slot and one Lua call updates envelopes and indexes together.
   * The envelopes themselves are BullMQ jobs in the DLQ queue's failed set ("<prefix>:<dlq>:<envelope id>").
   * Every key below is written and trimmed with the envelopes (capture, requeue, purge, retention): none
   * outlives the envelopes it indexes, except stats and watermarks (a few fields, kept until removed).
   *   <base>:all                 zset envelope id → failedAt (ms)
   *   <base>:env                 hash envelope id → "<group id>\t<origin queue>" (to unindex an envelope removed elsewhere)
   *   <base>:groups              zset group id → dead letters in the group
   *   <base>:group:<gid>         hash {pattern (normalized failedReason), sample (first raw failedReason)}
   *   <base>:group:<gid>:ids     zset envelope id → failedAt
   *   <base>:queues              zset origin queue → dead letters from it
   *   <base>:queue:<queue>:ids   zset envelope id → failedAt
   *   <base>:stats               hash {captured, requeued, purged, expired}: counters that only grow (DLQ growth)
   *   <base>:watermarks          zset origin queue → finishedOn up to which the runtime's sweep has looked
   *   <base>:grouping            hash {version (of the grouping rules every dead letter is grouped by),
   *                              cursor ("<version>:<HSCAN cursor>" of an unfinished re-grouping walk)}: kept until removed
   * A captured origin job also gets a field "drover:dlq" = envelope id in its own BullMQ hash (it goes with the job).
   */
  deadLetters: (prefix: string, deadLetterQueue: string) => `drover:dlq:${prefix}:${deadLetterQueue}`,
} as const;

/** How long a scheduler's run history outlives its last write (KEYS.scheduleRuns). */
export const SCHEDULE_RUNS_TTL_MS = 30 * 24 * 3600_000;
