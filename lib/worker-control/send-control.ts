// Console side of worker control: publishes one command on the connection's control channel and waits
// (at most CONTROL_ACK_WAIT_MS) for the listening runtimes' acks, so the answer says who applied it.
import 'server-only';
import { randomUUID } from 'node:crypto';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import { awaitAcks } from '@/lib/cancellation/await-acks';
import { InvalidError } from '@/lib/errors';
import { CONTROL_ACK_WAIT_MS, CONTROL_ACKS_MAX, CONTROL_MESSAGE_MAX_BYTES, controlAckSchema, type ControlAck, type ControlMessage } from './control-message';

type Command = ControlMessage extends infer M ? (M extends ControlMessage ? Omit<M, 'requestId'> : never) : never;

export type ControlDelivery = {
  /** Drover runtimes listening when the command was published */
  listeners: number;
  /** their answers within the wait */
  acks: ControlAck[];
  /** the answers of the runtimes that applied it */
  applied: ControlAck[];
};

export async function sendControl(records: ConnectionRecords, command: Command, opts: { timeoutMs?: number; done?: (acks: ControlAck[]) => boolean } = {}): Promise<ControlDelivery> {
  const message = { ...command, requestId: randomUUID() } as ControlMessage;
  // One bound for both stores (PostgreSQL's NOTIFY takes < 8000 bytes; Redis would take far more).
  if (Buffer.byteLength(JSON.stringify(message)) > CONTROL_MESSAGE_MAX_BYTES) throw new InvalidError(`A worker control command is limited to ${CONTROL_MESSAGE_MAX_BYTES} bytes`);
  const listeners = await records.publishControl(message);
  if (listeners === 0) return { listeners, acks: [], applied: [] };
  const acks = await awaitAcks({
    read: (max) => records.controlAcks(message.requestId, max),
    schema: controlAckSchema,
    expected: listeners,
    max: CONTROL_ACKS_MAX,
    timeoutMs: opts.timeoutMs ?? CONTROL_ACK_WAIT_MS,
    done: opts.done,
  });
  return { listeners, acks, applied: acks.filter((a) => a.applied) };
}

/** "applied by 2 of 3 Drover processes (1 did not answer in 3 s)". */
export function appliedBy(delivery: ControlDelivery): string {
  const { listeners, acks, applied } = delivery;
  if (listeners === 0) return 'no Drover worker process listens on this connection (it applies when one starts)';
  const silent = listeners - acks.length;
  return `applied by ${applied.length} of ${listeners} Drover process${listeners === 1 ? '' : 'es'}${silent > 0 ? ` (${silent} did not answer within ${CONTROL_ACK_WAIT_MS / 1000} s)` : ''}`;
}
