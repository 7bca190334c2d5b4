// One dead letter as its page shows it: the original job's facts (stored apart from its payload), its
// attempts and its last log lines, and when asked (or small enough) its data.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError, OutOfScopeError, PayloadTooLargeError } from '@/lib/errors';
import { MAX_JOB_DATA_BYTES } from '@/lib/jobs/schemas';
import { isDroverWorkerName } from '@/lib/workers/worker-name';
import type { DeadLetterFacts } from '@/lib/store/dead-letter-store';
import { parseEnvelope } from './envelope';
import type { Access } from '@/lib/auth/scope';
import { mayOnOrigin } from './origin-scope';

export type DeadLetterDetail = DeadLetterFacts & {
  connection: string;
  deadLetterQueue: string;
  /** its last attempt ran on a worker of Drover's runtime ("drover@host:pid") */
  ranByDroverRuntime: boolean;
  /** the origin job's data, with ?data=1 (or inlineDataUpTo) */
  data?: unknown;
};

/** `access`: the caller's; a dead letter of an origin queue outside it answers exactly as an unknown id. */
export async function getDeadLetter(conn: Connection, id: string, opts: { includeData?: boolean; inlineDataUpTo?: number; access?: Access } = {}): Promise<DeadLetterDetail> {
  const store = conn.store.deadLetters;
  const message = `Dead letter ${id} not found on connection "${conn.name}" (it may have been requeued or purged)`;
  const gone = () => new NotFoundError(message);
  const facts: DeadLetterFacts | null = await store.detail(id);
  if (!facts) throw gone();
  // Outside the caller's scope: the same answer (an OutOfScopeError is a 404 that audits as a denial).
  if (!mayOnOrigin(opts.access, conn.name, facts.queue, 'viewer')) throw new OutOfScopeError(message);
  const detail: DeadLetterDetail = { ...facts, connection: conn.name, deadLetterQueue: store.deadLetterQueue, ranByDroverRuntime: isDroverWorkerName(facts.processedBy) };
  if (opts.inlineDataUpTo !== undefined && facts.envelopeSize <= opts.inlineDataUpTo) {
    const text = await store.envelopeText(id);
    if (text !== null) detail.data = parseEnvelope(text).data;
  }
  if (opts.includeData) {
    if (facts.envelopeSize > MAX_JOB_DATA_BYTES) {
      throw new PayloadTooLargeError(`Dead letter ${id} is ${facts.envelopeSize} bytes; its data can be edited up to ${MAX_JOB_DATA_BYTES} bytes (requeue it unchanged instead)`);
    }
    const text = await store.envelopeText(id);
    if (text === null) throw gone();
    detail.data = parseEnvelope(text).data;
  }
  return detail;
}
