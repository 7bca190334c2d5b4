// "Send to DLQ" for queues whose workers Drover does not run: failed jobs (selected ids, or every
// failed job older than an age) become envelopes, in batches of 500 with progress. The bulk-actions
// route calls this for { action: 'dead-letter', … }.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { InvalidError } from '@/lib/errors';
import type { ProgressReporter } from '@/lib/progress/bulk-progress';
import type { CaptureResult } from '@/lib/store/dead-letter-store';

const BATCH = 500;

export type SendToDeadLetterInput = { ids: string[]; removeOrigin?: boolean } | { state: 'failed'; olderThanMs?: number; removeOrigin?: boolean };

export type SendToDeadLetterResult = {
  requested: number;
  captured: number;
  /** already in the DLQ for this failure */
  duplicates: number;
  errors: Array<{ id: string; message: string }>;
  failed: number;
  message: string;
};

const WHY: Record<CaptureResult['skipped'][number]['reason'], string> = {
  'not-failed': 'is not failed (only failed jobs go to the dead-letter queue)',
  missing: 'not found (it may have been removed)',
  changed: 'failed again while being captured: try again',
};

export async function sendToDeadLetter(conn: Connection, queue: string, input: SendToDeadLetterInput, actor: string, report: ProgressReporter): Promise<SendToDeadLetterResult> {
  const store = conn.store.deadLetters;
  if (queue === store.deadLetterQueue) throw new InvalidError(`"${queue}" is the dead-letter queue itself: its failed jobs are the dead letters`);
  const opts = { capturedBy: `console:${actor}` };
  const out: SendToDeadLetterResult = { requested: 0, captured: 0, duplicates: 0, errors: [], failed: 0, message: '' };
  const q = conn.queue(queue);
  const apply = async (ids: string[]) => {
    const r = await store.captureByIds(queue, ids, opts);
    out.captured += r.captured.length;
    out.duplicates += r.duplicates.length;
    out.failed += r.skipped.length;
    for (const s of r.skipped) if (out.errors.length < 50) out.errors.push({ id: s.id, message: `Job ${s.id} ${WHY[s.reason]}` });
    if (input.removeOrigin) {
      // Only once the envelope exists (captured now or before).
      // Not its children: a failed parent's children that have not run stay (removing them is an admin's call).
      await Promise.all([...r.captured, ...r.duplicates].map((id) => q.remove(id, { removeChildren: false }).catch(() => 0)));
    }
  };
  if ('ids' in input) {
    out.requested = input.ids.length;
    await report({ done: 0, total: out.requested, phase: 'dead-letter' });
    for (let i = 0; i < input.ids.length; i += BATCH) {
      await apply(input.ids.slice(i, i + BATCH));
      await report({ done: Math.min(out.requested, i + BATCH), total: out.requested, phase: 'dead-letter' });
    }
  } else {
    // Walk failed jobs by finishedOn (not rank: BullMQ may trim the set meanwhile) up to the cutoff.
    const cutoff = Date.now() - (input.olderThanMs ?? 0);
    const total = await store.countFailed(queue, cutoff);
    out.requested = total;
    await report({ done: 0, total, phase: 'dead-letter' });
    for await (const ids of store.failedIdChunks(queue, cutoff, BATCH)) {
      await apply(ids);
      await report({ done: Math.min(total, out.captured + out.duplicates + out.failed), total, phase: 'dead-letter' });
    }
    out.requested = out.captured + out.duplicates + out.failed;
  }
  await store.enforceRetention(conn.config.deadLetterRetention);
  await report({ done: out.requested, total: out.requested, phase: 'done', finished: true });
  const n = (x: number) => x.toLocaleString('en');
  out.message =
    `${n(out.captured)} of ${n(out.requested)} job${out.requested === 1 ? '' : 's'} sent to the dead-letter queue "${store.deadLetterQueue}"` +
    `${out.duplicates ? `; ${n(out.duplicates)} already there` : ''}${out.failed ? `; ${n(out.failed)} skipped (see errors)` : ''}`;
  return out;
}
