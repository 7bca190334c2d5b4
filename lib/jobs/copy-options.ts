// Options for a new job made from an existing one (duplicate, dead-letter requeue): the original's,
// minus its identity (id, creation time), its scheduler, deduplication and flow links.
export function copyableJobOptions(opts: Record<string, unknown>, { keepDelay }: { keepDelay: boolean }): Record<string, unknown> {
  const {
    jobId: _jobId,
    repeat: _repeat,
    repeatJobKey: _repeatJobKey,
    deduplication: _deduplication,
    debounce: _debounce,
    parent: _parent,
    prevMillis: _prevMillis,
    timestamp: _timestamp,
    delay,
    ...rest
  } = opts;
  return keepDelay && delay !== undefined ? { ...rest, delay } : rest;
}
