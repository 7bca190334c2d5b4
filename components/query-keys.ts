// Every TanStack Query key of the console, in one place: a key names what is cached, and its prefix is
// what a live event or an action invalidates (e.g. queryKeys.queueJobs(conn, queue) refetches every page
// of that queue's lists).
export const queryKeys = {
  overview: () => ['overview'] as const,
  queue: (conn: string, queue: string) => ['queue', conn, queue] as const,
  /** every list page of a queue (prefix of jobPage) */
  queueJobs: (conn: string, queue: string) => ['jobs', conn, queue] as const,
  jobPage: (conn: string, queue: string, query: unknown) => ['jobs', conn, queue, query] as const,
  /** job names and data paths the search box offers */
  queryHints: (conn: string, queue: string) => ['query-hints', conn, queue] as const,
  job: (conn: string, queue: string, id: string) => ['job', conn, queue, id] as const,
  /** a queue's and its connection's link templates (the admin editor) */
  links: (conn: string, queue: string) => ['links', conn, queue] as const,
  /** a queue's objectives and their last judged status (lib/objectives) */
  objectives: (conn: string, queue: string) => ['objectives', conn, queue] as const,
  jobAttempts: (conn: string, queue: string, id: string) => ['job-attempts', conn, queue, id] as const,
  jobChildren: (conn: string, queue: string, id: string) => ['job-children', conn, queue, id] as const,
  jobLogsCount: (conn: string, queue: string, id: string) => ['job-logs-count', conn, queue, id] as const,
  jobLogs: (conn: string, queue: string, id: string, page: number, count: number) => ['job-logs', conn, queue, id, page, count] as const,
  /** data and return value of a job (prefix of jobFieldView) */
  jobFields: (conn: string, queue: string, id: string) => ['job-field', conn, queue, id] as const,
  jobFieldView: (conn: string, queue: string, id: string, field: string, limit: number, size: number) => ['job-field', conn, queue, id, field, limit, size] as const,
  queueLatency: (conn: string, queue: string) => ['queue-latency', conn, queue] as const,
  queueMetrics: (conn: string, queue: string, range: string) => ['queue-metrics', conn, queue, range] as const,
  /** what every worker process runs now (the Busy page) */
  busy: () => ['busy'] as const,
  /** a connection's circuit breakers (the Busy page's External services) */
  circuits: (conn: string) => ['circuits', conn] as const,
  schedules: (conn: string, queue: string) => ['schedules', conn, queue] as const,
  /** a scheduler's recorded runs (the schedule watch) */
  scheduleRuns: (conn: string, queue: string, id: string) => ['schedule-runs', conn, queue, id] as const,
  deadLetterSummary: (conn: string) => ['dlq-summary', conn] as const,
  deadLetterPage: (conn: string, search: string) => ['dlq-page', conn, search] as const,
  deadLetterGroups: (conn: string) => ['dlq-groups', conn] as const,
  /** rules and history (prefix of both) */
  alerts: () => ['alerts'] as const,
  alertRules: () => ['alerts', 'rules'] as const,
  alertHistory: () => ['alerts', 'history'] as const,
  /** the shell's banner of firing alerts (every role) */
  firingAlerts: () => ['alerts', 'firing'] as const,
  /** one saved view (the queue page's heading when it runs a view) */
  view: (id: string) => ['view', id] as const,
};
