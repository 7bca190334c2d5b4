// What the SSE endpoint sends to browsers.

export type JobEventName =
  | 'added'
  | 'waiting'
  | 'active'
  | 'progress'
  | 'completed'
  | 'failed'
  | 'delayed'
  | 'removed'
  | 'stalled'
  | 'waiting-children'
  | 'retries-exhausted'
  | 'duplicated'
  | 'deduplicated';

export type LiveEvent =
  | { type: 'job'; connection: string; queue: string; event: JobEventName; jobId: string; progress?: unknown; failedReason?: string }
  /** many job events at once: refetch instead of applying each */
  | { type: 'burst'; connection: string; queue: string; count: number }
  | { type: 'queue'; connection: string; queue: string; event: 'paused' | 'resumed' | 'cleaned' | 'drained' }
  | { type: 'overview'; overview: unknown }
  | { type: 'health'; connections: Array<{ name: string; store: 'redis' | 'postgres'; status: 'up' | 'down'; error?: string }> };
