// The email job kind's SMTP send is bounded: a server that answers byte by byte (each byte resets the
// socket's idle timeout) fails the attempt at the overall deadline with a retryable error naming the
// server, and the job's signal (cancel, the runtime's job timeout) ends the send at once. Both close the
// connection. A normal server still gets the mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { SMTPServer } from 'smtp-server';
import { createEmailProcessor, EMAIL_SMTP_DEADLINE_MS } from '@/workers/processors/email';
import { isPermanentFailure } from '@/workers/failures';
import { readRuntimeSettings } from '@/workers/runtime/settings';
import { emailDataSchema } from '@/lib/job-kinds/email';
import type { ProcessorContext } from '@/workers/runtime/processor';
import { waitFor } from '../helpers/wait';
import { startTricklingSmtp, type TricklingSmtp } from '../helpers/trickling-smtp';

let trickler: TricklingSmtp;
let port = 0;

beforeAll(async () => {
  trickler = await startTricklingSmtp();
  port = trickler.port;
});

afterAll(async () => {
  await trickler.close();
});

const logs: string[] = [];
const job = { queueName: 'email', id: '42', log: async (line: string) => void logs.push(line) } as unknown as Job;
const data = emailDataSchema.parse({ to: 'alice@example.com', subject: 'Invoice {{n}}', text: 'Hello', variables: { n: 7 } });
const outboxDir = path.join(os.tmpdir(), 'drover-email-deadline-outbox');

function context(signal: AbortSignal): ProcessorContext<typeof data> {
  return { job, data, signal } as ProcessorContext<typeof data>;
}

describe('the email processor over SMTP', () => {
  it('has a 30 s overall deadline by default, DROVER_SMTP_DEADLINE_MS in the worker settings', () => {
    expect(EMAIL_SMTP_DEADLINE_MS).toBe(30_000);
    expect(readRuntimeSettings({}).smtpDeadlineMs).toBe(30_000);
    expect(readRuntimeSettings({ DROVER_SMTP_DEADLINE_MS: '12000' }).smtpDeadlineMs).toBe(12_000);
    expect(() => readRuntimeSettings({ DROVER_SMTP_DEADLINE_MS: '10' })).toThrow(/DROVER_SMTP_DEADLINE_MS must be an integer from 1000 to 600000/);
    // Past Node's timer range (2^31 − 1 ms) a timer fires at once: every send would fail at once.
    expect(() => readRuntimeSettings({ DROVER_SMTP_DEADLINE_MS: '3000000000' })).toThrow(/DROVER_SMTP_DEADLINE_MS must be an integer from 1000 to 600000/);
    expect(() => readRuntimeSettings({ DROVER_SMTP_DEADLINE_MS: '600001' })).toThrow(/DROVER_SMTP_DEADLINE_MS must be an integer from 1000 to 600000/);
    expect(readRuntimeSettings({ DROVER_SMTP_DEADLINE_MS: '600000' }).smtpDeadlineMs).toBe(600_000);
    expect(() => readRuntimeSettings({ DROVER_LOCK_DURATION_MS: '2147483648' })).toThrow(/DROVER_LOCK_DURATION_MS must be an integer from 1000 to 2147483647/);
  });

  it('fails a send the server trickles at the deadline, retryable, naming the server, and closes the connection', { timeout: 20_000 }, async () => {
    const email = createEmailProcessor({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'drover@example.com', outboxDir, deadlineMs: 1500 });
    const closedBefore = trickler.closed();
    const started = Date.now();
    try {
      const err = await email(context(new AbortController().signal)).then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toBe(`SMTP: no answer within 1.5 s from 127.0.0.1:${port}`);
      // Retried with the job's backoff (a slow server may answer next time), not failed for good.
      expect(isPermanentFailure(err)).toBe(false);
      expect(Date.now() - started).toBeLessThan(1500 + 1000);
      await waitFor(() => trickler.closed() === closedBefore + 1 && trickler.open.size === 0, { what: 'the slow SMTP connection closed' });
    } finally {
      email.close();
    }
  });

  it('ends the send when the job is aborted during it, and closes the connection', { timeout: 20_000 }, async () => {
    // The default deadline (30 s): only the abort can end this send within the test's bound.
    const email = createEmailProcessor({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'drover@example.com', outboxDir });
    const closedBefore = trickler.closed();
    const trickledBefore = trickler.trickling();
    const controller = new AbortController();
    try {
      const sending = email(context(controller.signal)).then(() => null, (e: Error) => e);
      await waitFor(() => trickler.trickling() > trickledBefore, { what: 'the send to be under way (the server trickling)' });
      const aborted = Date.now();
      controller.abort('cancelled from the console');
      const err = await sending;
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toBe('SMTP send aborted: cancelled from the console');
      expect(Date.now() - aborted).toBeLessThan(1000);
      await waitFor(() => trickler.closed() === closedBefore + 1 && trickler.open.size === 0, { what: 'the aborted SMTP connection closed' });
    } finally {
      email.close();
    }
  });

  it('still sends through a normal server', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          received.push(raw);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const email = createEmailProcessor({ smtpUrl: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, from: 'drover@example.com', outboxDir, deadlineMs: 5000 });
    try {
      const result = await email(context(new AbortController().signal));
      expect(result).toMatchObject({ transport: 'smtp', accepted: ['alice@example.com'], rejected: [] });
      expect(received).toHaveLength(1);
      expect(received[0]).toContain('Subject: Invoice 7');
    } finally {
      email.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
