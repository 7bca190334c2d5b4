// One entry of a queue's BullMQ event stream ("<prefix>:<queue>:events", written by BullMQ's Lua
// scripts with XADD) as the LiveEvent the browser gets, read the way BullMQ's QueueEvents reads it.
import 'server-only';
import type { JobEventName, LiveEvent } from './live-event';

const JOB_EVENTS = new Set<string>([
  'added', 'waiting', 'active', 'progress', 'completed', 'failed', 'delayed', 'removed', 'stalled',
  'waiting-children', 'retries-exhausted', 'duplicated', 'deduplicated',
] satisfies JobEventName[]);
const QUEUE_EVENTS = new Set<string>(['paused', 'resumed', 'cleaned', 'drained']);

/** null for entries the console does not forward (custom events, malformed entries). */
export function liveEventFromEntry(connection: string, queue: string, fields: string[]): LiveEvent | null {
  let event: string | undefined;
  let jobId: string | undefined;
  let data: string | undefined;
  let failedReason: string | undefined;
  // Only the fields the console forwards are kept: a completed entry also carries the return value.
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    if (name === 'event') event = fields[i + 1];
    else if (name === 'jobId') jobId = fields[i + 1];
    else if (name === 'data') data = fields[i + 1];
    else if (name === 'failedReason') failedReason = fields[i + 1];
  }
  if (event === undefined) return null;
  if (JOB_EVENTS.has(event)) {
    if (jobId === undefined) return null;
    const name = event as JobEventName;
    return {
      type: 'job',
      connection,
      queue,
      event: name,
      jobId,
      ...(name === 'progress' ? { progress: parseProgress(data) } : {}),
      ...(name === 'failed' && failedReason ? { failedReason: failedReason.slice(0, 300) } : {}),
    };
  }
  if (QUEUE_EVENTS.has(event)) return { type: 'queue', connection, queue, event: event as 'paused' | 'resumed' | 'cleaned' | 'drained' };
  return null;
}

/** BullMQ stores progress as JSON (a number or an object). */
function parseProgress(data: string | undefined): unknown {
  if (data === undefined) return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}
