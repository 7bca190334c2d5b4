// The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json. Paths are a public contract.
import { JOB_STATES } from '@/lib/jobs/job-states';

type Op = {
  summary: string;
  role: 'viewer' | 'operator' | 'admin' | 'none';
  params?: string[];
  query?: Array<{ name: string; schema: Record<string, unknown>; description?: string; required?: boolean }>;
  body?: Record<string, unknown>;
  response?: Record<string, unknown>;
  responseType?: string;
  status?: number;
};

const PATH_PARAMS: Record<string, string> = {
  conn: 'Connection name from the configuration',
  queue: 'Queue name',
  id: 'Job id',
  email: 'User email',
  schedulerId: 'Job scheduler id',
  ruleId: 'Alert rule id',
  deadLetterId: 'Dead-letter id ("dl-" and 32 hex digits)',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const int = { type: 'integer' };
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, ...(required.length ? { required } : {}) });


const DLQ_FILTER_QUERY = [
  { name: 'queue', schema: str, description: 'Origin queue' },
  { name: 'group', schema: str, description: 'Error group id (16 hex digits, from …/dlq/groups)' },
  { name: 'name', schema: str, description: 'Exact origin job name' },
  { name: 'q', schema: str, description: 'Case-insensitive text in the id, origin job id, name, error or data' },
  { name: 'from', schema: int, description: 'Failed at or after (ms since epoch)' },
  { name: 'to', schema: int, description: 'Failed at or before (ms since epoch)' },
  { name: 'olderThanMs', schema: int, description: 'Failed more than this many ms ago' },
];
const dlqFilterBody = obj({ queue: str, group: str, name: str, q: str, from: int, to: int, olderThanMs: int });

const paths: Record<string, Record<string, Op>> = {
  '/api/health': { get: { summary: 'Up or down (200 all connections answer, 503 otherwise); per-connection details only with a session or token (any role)', role: 'none' } },
  '/api/v1/me': { get: { summary: 'The caller (user or token) and its role', role: 'viewer' } },
  '/api/v1/users': {
    get: { summary: 'List users', role: 'admin' },
    post: { summary: 'Add a user (a generated password is returned once when omitted)', role: 'admin', status: 201, body: obj({ email: str, role: ref('Role'), password: str, name: str }, ['email', 'role']) },
  },
  '/api/v1/users/{email}': {
    patch: { summary: 'Change role and/or password', role: 'admin', params: ['email'], body: obj({ role: ref('Role'), password: str, resetPassword: { type: 'boolean' } }) },
    delete: { summary: 'Remove a user', role: 'admin', params: ['email'] },
  },
  '/api/v1/tokens': {
    get: { summary: 'List API tokens (never the secrets)', role: 'admin' },
    post: { summary: 'Create an API token (returned once)', role: 'admin', status: 201, body: obj({ name: str, role: ref('Role'), expiresIn: str }, ['name', 'role']) },
  },
  '/api/v1/tokens/{id}': { delete: { summary: 'Revoke an API token', role: 'admin', params: ['id'] } },
  '/api/v1/queues': {
    get: {
      summary: 'Every queue of every connection with counts, paused flag, workers, throughput and Redis facts',
      role: 'viewer',
      query: [{ name: 'refresh', schema: { type: 'string', enum: ['1'] }, description: 'Rediscover queues now instead of using the 15 s cache' }],
      response: ref('Overview'),
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}': {
    get: { summary: 'One queue: counts, flags, limits, workers, schedulers', role: 'viewer', params: ['conn', 'queue'] },
  },
  '/api/v1/connections/{conn}/queues/{queue}/jobs': {
    get: {
      summary: 'One page of jobs in a state (summary fields only, never data or return values)',
      role: 'viewer',
      params: ['conn', 'queue'],
      query: [
        { name: 'state', schema: { type: 'string', enum: JOB_STATES, default: 'waiting' } },
        { name: 'page', schema: { ...int, minimum: 1, default: 1 } },
        { name: 'size', schema: { ...int, enum: [10, 25, 50, 100, 200], default: 25 } },
        { name: 'order', schema: { type: 'string', enum: ['newest', 'oldest'], default: 'newest' } },
        { name: 'name', schema: str, description: 'Only jobs with exactly this name (a bounded server-side scan)' },
      ],
      response: ref('JobPage'),
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}/jobs/{id}': {
    get: { summary: 'One job without data/return value (their sizes are included)', role: 'viewer', params: ['conn', 'queue', 'id'] },
  },
  '/api/v1/connections/{conn}/queues/{queue}/jobs/{id}/data': {
    get: {
      summary: 'The job data, cut at `limit` bytes (default 256 KB, max 4 MB); raw=1 downloads all of it',
      role: 'viewer',
      params: ['conn', 'queue', 'id'],
      query: [{ name: 'limit', schema: int }, { name: 'raw', schema: { type: 'string', enum: ['1'] } }],
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}/jobs/{id}/returnvalue': {
    get: { summary: 'The return value, like …/data', role: 'viewer', params: ['conn', 'queue', 'id'], query: [{ name: 'limit', schema: int }, { name: 'raw', schema: { type: 'string', enum: ['1'] } }] },
  },
  '/api/v1/connections/{conn}/queues/{queue}/jobs/{id}/children': {
    get: { summary: 'A flow parent’s children with their states (first 100 per group)', role: 'viewer', params: ['conn', 'queue', 'id'] },
  },
  '/api/v1/connections/{conn}/queues/{queue}/jobs/{id}/logs': {
    get: {
      summary: 'Job log lines [start, end] in write order, and the total count',
      role: 'viewer',
      params: ['conn', 'queue', 'id'],
      query: [{ name: 'start', schema: { ...int, default: 0 } }, { name: 'end', schema: int }],
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}/search': {
    get: {
      summary: 'One bounded chunk of a search: matches, next cursor (null when done), scanned and total counts',
      role: 'viewer',
      params: ['conn', 'queue'],
      query: [
        { name: 'q', schema: str, required: true },
        { name: 'field', schema: { type: 'string', enum: ['any', 'id', 'name', 'data', 'failedReason', 'returnvalue', 'logs'], default: 'any' } },
        { name: 'state', schema: { type: 'string', enum: [...JOB_STATES, 'all'], default: 'all' } },
        { name: 'cursor', schema: str },
      ],
    },
  },
  '/api/v1/events': {
    get: {
      summary: 'Server-Sent Events: job events of the given queues, overview snapshots, Redis health',
      role: 'viewer',
      query: [
        { name: 'queue', schema: str, description: '"<connection>/<queue>", repeatable (max 20)' },
        { name: 'overview', schema: { type: 'string', enum: ['1'] } },
      ],
      responseType: 'text/event-stream',
    },
  },
  '/api/v1/schedulers': {
    get: {
      summary: 'Every job scheduler (live and paused) and legacy BullMQ 5 repeatable, with next runs, descriptions and last outcomes',
      role: 'viewer',
      query: [
        { name: 'conn', schema: str, description: 'Only this connection' },
        { name: 'queue', schema: str, description: 'Only this queue, as "<connection>/<queue>"' },
      ],
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}/schedulers': {
    get: { summary: 'The queue’s job schedulers (live and paused) and legacy repeatables', role: 'viewer', params: ['conn', 'queue'] },
  },
  '/api/v1/connections/{conn}/queues/{queue}/schedulers/{schedulerId}': {
    get: { summary: 'One schedule (the live one, else its paused copy) with its full template and last outcomes', role: 'viewer', params: ['conn', 'queue', 'schedulerId'] },
    put: {
      summary: 'Create or replace a schedule (BullMQ upsertJobScheduler); a paused one is updated and stays paused',
      role: 'operator',
      params: ['conn', 'queue', 'schedulerId'],
      body: obj(
        {
          pattern: { ...str, description: 'Cron pattern, 5 or 6 fields (exactly one of pattern and every)' },
          every: { ...int, minimum: 1000, description: 'Interval in ms' },
          tz: { ...str, description: 'IANA time zone of the pattern' },
          startDate: { description: 'ISO 8601 date-time with offset, or epoch ms' },
          endDate: { description: 'ISO 8601 date-time with offset, or epoch ms; after startDate and in the future' },
          limit: { ...int, minimum: 1 },
          immediately: { type: 'boolean', description: 'Cron only: also run once right away' },
          template: obj({ name: str, data: { description: 'JSON value (or JSON text); checked against the queue’s schema when the bundled workers declare one' }, opts: { type: 'object' } }, ['name']),
          expectNew: { type: 'boolean', description: 'Refuse (409) to replace an existing schedule with this id' },
        },
        ['template'],
      ),
    },
    delete: {
      summary: 'Delete the schedule and its pending job, and/or its paused copy',
      role: 'operator',
      params: ['conn', 'queue', 'schedulerId'],
      query: [{ name: 'only', schema: { type: 'string', enum: ['live', 'paused'] }, description: 'Delete just the live scheduler or just the paused copy' }],
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}/schedulers/{schedulerId}/pause': {
    post: { summary: 'Pause: store the definition under drover: and remove the scheduler (and its pending job)', role: 'operator', params: ['conn', 'queue', 'schedulerId'] },
  },
  '/api/v1/connections/{conn}/queues/{queue}/schedulers/{schedulerId}/resume': {
    post: { summary: 'Resume: upsert the stored definition again with every field; 409 if a live one with the id exists', role: 'operator', params: ['conn', 'queue', 'schedulerId'] },
  },
  '/api/v1/connections/{conn}/queues/{queue}/schedulers/{schedulerId}/run': {
    post: { summary: 'Enqueue one job from the template now; the schedule is unchanged', role: 'operator', params: ['conn', 'queue', 'schedulerId'] },
  },
  '/api/v1/connections/{conn}/queues/{queue}/schedulers/{schedulerId}/migrate': {
    post: {
      summary: 'Migrate a legacy BullMQ 5 repeatable ({schedulerId} = its URL-encoded key) to a job scheduler',
      role: 'operator',
      params: ['conn', 'queue', 'schedulerId'],
      body: obj({ id: { ...str, description: 'Id of the new scheduler (default: legacy job id, else job name)' }, template: obj({ name: str, data: {} }, ['name']) }),
    },
  },
  '/api/v1/cron/preview': {
    post: {
      summary: 'Next run times of a cron pattern (or interval) in its zone, DST transitions marked; 400 names the wrong field',
      role: 'viewer',
      body: obj({ pattern: str, every: int, tz: str, startDate: {}, endDate: {}, count: { ...int, minimum: 1, maximum: 50, default: 10 } }),
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}/metrics': {
    get: {
      summary: 'Time series of one queue: depth by state from the console sampler (10 s points up to 6 h, 1-minute points beyond) and completed/failed per minute with the failure rate (BullMQ metrics)',
      role: 'viewer',
      params: ['conn', 'queue'],
      query: [{ name: 'range', schema: { type: 'string', enum: ['1h', '6h', '24h', '7d'], default: '1h' } }],
      response: obj({
        connection: str, queue: str, range: str, from: int, to: int, resolutionSeconds: int, metricsRecorded: { type: 'boolean' },
        depth: { type: 'array', items: obj({ t: int, waiting: int, active: int, delayed: int, prioritized: int, waitingChildren: int, completed: int, failed: int, workers: int, paused: { type: 'boolean' } }) },
        throughput: { type: 'array', items: obj({ t: int, completed: int, failed: int, failureRate: { type: 'number', nullable: true } }) },
      }),
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}/metrics/latency': {
    get: {
      summary: 'Wait (started − created) and processing (finished − started) p50/p95/p99, overall and per job name, from the 1,000 most recently completed jobs',
      role: 'viewer',
      params: ['conn', 'queue'],
    },
  },
  '/api/v1/alerts': {
    get: { summary: 'Alert rules with their state (ok, pending, firing, disabled); webhook URLs are masked', role: 'admin' },
    post: {
      summary: 'Create an alert rule',
      role: 'admin',
      status: 201,
      body: obj(
        {
          name: str,
          enabled: { type: 'boolean', default: true },
          kind: { type: 'string', enum: ['waiting-depth', 'failure-rate', 'no-workers', 'oldest-waiting', 'dlq-growth', 'redis-unreachable'] },
          connection: { ...str, nullable: true, description: 'null: every connection' },
          queue: { ...str, nullable: true, description: 'null: every queue except the dead-letter queue (queue kinds only)' },
          threshold: { type: 'number', description: 'N jobs, X percent or T seconds, by kind' },
          minutes: { ...int, description: '"for" minutes (waiting-depth, no-workers, oldest-waiting, redis-unreachable) or window (failure-rate 1–60, dlq-growth 1–1440)' },
          cooldownMinutes: { ...int, default: 15 },
          webhookUrl: { ...str, description: 'http(s) URL; never returned' },
          webhookFormat: { type: 'string', enum: ['json', 'slack'], default: 'json' },
        },
        ['name', 'kind', 'webhookUrl'],
      ),
    },
  },
  '/api/v1/alerts/{ruleId}': {
    patch: { summary: 'Change an alert rule (any field; omit webhookUrl to keep the saved one)', role: 'admin', params: ['ruleId'], body: { type: 'object' } },
    delete: { summary: 'Delete an alert rule and its state (its history stays)', role: 'admin', params: ['ruleId'] },
  },
  '/api/v1/alerts/{ruleId}/test': {
    post: { summary: 'Send a test notification to the rule’s webhook; answers { ok, status, error, durationMs, message }', role: 'admin', params: ['ruleId'] },
  },
  '/api/v1/alerts/history': {
    get: {
      summary: 'Alert history, newest first: firing, resolved and test notifications with their delivery outcome (last 500 kept)',
      role: 'admin',
      query: [
        { name: 'rule', schema: str, description: 'Only this rule id' },
        { name: 'limit', schema: { ...int, minimum: 1, maximum: 500, default: 100 } },
      ],
    },
  },
  '/api/v1/connections/{conn}/queues/{queue}/jobs/bulk': {
    post: {
      summary:
        'Bulk action on ids or a whole state, in batches with progress: { action: retry|remove|promote|fail, ids } or { action: retry|remove|promote, state, olderThanMs? }; ' +
        "{ action: 'dead-letter', ids } or { action: 'dead-letter', state: 'failed', olderThanMs? } copies failed jobs into the connection's dead-letter queue (removeOrigin: true also removes them from failed)",
      role: 'operator',
      params: ['conn', 'queue'],
      body: obj({
        action: { type: 'string', enum: ['retry', 'remove', 'promote', 'fail', 'dead-letter'] },
        ids: { type: 'array', items: str, maxItems: 100_000 },
        state: { type: 'string', enum: ['waiting', 'delayed', 'prioritized', 'completed', 'failed'] },
        olderThanMs: int,
        removeOrigin: { type: 'boolean', description: "dead-letter only: remove each job from failed once its envelope exists" },
        operationId: { ...str, format: 'uuid', description: 'Progress at /api/v1/operations/{operationId}' },
      }, ['action']),
      response: obj({ action: str, requested: int, succeeded: int, failed: int, errors: { type: 'array', items: obj({ id: str, message: str }) }, message: str }),
    },
  },
  '/api/v1/connections/{conn}/dlq': {
    get: {
      summary: 'One page of dead letters (newest failure first) matching a filter; rows carry origin queue, job id, name, error, attempts, group — never payloads',
      role: 'viewer',
      params: ['conn'],
      query: [
        ...DLQ_FILTER_QUERY,
        { name: 'page', schema: { ...int, minimum: 1, default: 1 } },
        { name: 'size', schema: { ...int, enum: [10, 25, 50, 100, 200], default: 25 } },
      ],
      response: obj({
        connection: str, deadLetterQueue: str, page: int, size: int, total: { ...int, nullable: true, description: 'null when the filter needs a walk that did not reach the end' }, hasNext: { type: 'boolean' },
        rows: { type: 'array', items: ref('DeadLetterRow') },
      }),
    },
  },
  '/api/v1/connections/{conn}/dlq/groups': {
    get: {
      summary: 'Dead letters grouped by normalized error (numbers, ids, UUIDs, IPv4 last octet, emails, quoted values masked), biggest first, with first/last seen',
      role: 'viewer',
      params: ['conn'],
      query: [{ name: 'limit', schema: { ...int, minimum: 1, maximum: 500, default: 50 } }],
      response: obj({ connection: str, deadLetterQueue: str, total: int, groupCount: int, groups: { type: 'array', items: obj({ id: str, pattern: str, sample: str, count: int, firstSeen: int, lastSeen: int }) } }),
    },
  },
  '/api/v1/connections/{conn}/dlq/summary': {
    get: {
      summary: 'DLQ size, counts by origin queue, retention, and counters that only grow (captured, requeued, purged, expired) for growth over time',
      role: 'viewer',
      params: ['conn'],
    },
  },
  '/api/v1/connections/{conn}/dlq/{deadLetterId}': {
    get: {
      summary: 'One dead letter: origin queue, job id, name, error and every stacktrace, attempts, times, worker, options, group; data=1 adds the origin data (≤ 4 MB)',
      role: 'viewer',
      params: ['conn', 'deadLetterId'],
      query: [{ name: 'data', schema: { type: 'string', enum: ['0', '1'] } }],
    },
  },
  '/api/v1/connections/{conn}/dlq/requeue': {
    post: {
      summary:
        'Requeue dead letters to their origin queues as fresh jobs (attempts reset; same name, data and options minus jobId/repeat/deduplication/parent/delay), in batches of 500; ' +
        'each dead letter is removed only after its new job exists. { ids, data? } (data replaces the data, exactly one id) or { filter }. The audit entry records the new job ids',
      role: 'operator',
      params: ['conn'],
      body: obj({ ids: { type: 'array', items: str, maxItems: 100_000 }, data: { description: 'JSON value or JSON text; only with one id' }, filter: dlqFilterBody, operationId: { ...str, format: 'uuid' } }),
      response: obj({ requested: int, requeued: int, failed: int, errors: { type: 'array', items: obj({ id: str, message: str }) }, jobs: { type: 'array', items: obj({ deadLetter: str, queue: str, jobId: str }) }, more: { type: 'boolean' }, message: str }),
    },
  },
  '/api/v1/connections/{conn}/dlq/purge': {
    post: {
      summary: 'Delete dead letters for good: { ids } or { filter } (e.g. an error group, an origin queue, olderThanMs), in batches of 1,000',
      role: 'admin',
      params: ['conn'],
      body: obj({ ids: { type: 'array', items: str, maxItems: 100_000 }, filter: dlqFilterBody, operationId: { ...str, format: 'uuid' } }),
      response: obj({ requested: int, purged: int, more: { type: 'boolean' }, message: str }),
    },
  },
  '/api/v1/connections/{conn}/dlq/export': {
    get: {
      summary: 'Matching dead letters as NDJSON, streamed: one line per dead letter, {"id", "group", "envelope"} with the stored envelope',
      role: 'viewer',
      params: ['conn'],
      query: DLQ_FILTER_QUERY,
      responseType: 'application/x-ndjson',
      response: { type: 'string' },
    },
  },
};

export function openApiDocument(): Record<string, unknown> {
  const built: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(paths)) {
    built[path] = {};
    for (const [method, op] of Object.entries(ops)) {
      const parameters = [
        ...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: str, description: PATH_PARAMS[name] })),
        ...(op.query ?? []).map((q) => ({ name: q.name, in: 'query', required: Boolean(q.required), schema: q.schema, ...(q.description ? { description: q.description } : {}) })),
      ];
      const ok = String(op.status ?? 200);
      built[path][method] = {
        summary: op.summary,
        description: op.role === 'none' ? 'No authentication.' : `Requires the ${op.role} role (session cookie or bearer token).`,
        ...(op.role === 'none' ? { security: [] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
        responses: {
          [ok]: { description: 'OK', content: { [op.responseType ?? 'application/json']: { schema: op.response ?? { type: 'object' } } } },
          ...(op.role === 'none' ? {} : { '401': errorResponse('Not signed in, or an invalid/revoked token'), '403': errorResponse('Role too low, read-only connection, or cross-origin') }),
          '400': errorResponse('Invalid input (malformed JSON or a field that fails validation)'),
          '404': errorResponse('Unknown connection, queue or job'),
          '503': errorResponse('Redis unreachable'),
        },
      };
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Drover API', version: '1', description: 'Admin API for BullMQ queues. Errors are `{ "error": { "code", "message" } }`.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    paths: built,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token created by an admin (`drv_…`)' },
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token' },
      },
      schemas: {
        Role: { type: 'string', enum: ['viewer', 'operator', 'admin'] },
        Error: obj({ error: obj({ code: str, message: str, fieldErrors: { type: 'object', additionalProperties: { type: 'array', items: str } } }, ['code', 'message']) }, ['error']),
        JobSummary: obj({
          id: str, name: str, timestamp: int, processedOn: int, finishedOn: int, attemptsMade: int, maxAttempts: int,
          progress: {}, failedReason: str, delay: int, priority: int, dataSize: int, returnValueSize: int,
        }),
        JobPage: obj({ state: str, page: int, size: int, order: str, total: int, hasNext: { type: 'boolean' }, jobs: { type: 'array', items: ref('JobSummary') } }),
        Overview: obj({ generatedAt: int, connections: { type: 'array', items: { type: 'object' } } }),
        DeadLetterRow: obj({
          id: str, queue: str, jobId: str, name: str, failedReason: str, failedReasonLength: int, failedAt: int, attemptsMade: int, group: str, capturedAt: int,
          processedBy: { ...str, nullable: true },
        }),
      },
    },
  };
}

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ref('Error') } } };
}
