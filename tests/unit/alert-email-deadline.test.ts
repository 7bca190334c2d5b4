// The email channel's overall deadline: an SMTP server that answers byte by byte (each byte resets the
// socket's idle timeout) cannot hold a delivery past SMTP_DEADLINE_MS; the connection is closed, not left.
// And a normal server, plain or smtps (the TLS upgrade goes over the socket the deadline can close), still gets the mail.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { sendEmail, SMTP_DEADLINE_MS } from '@/lib/alerts/channels/email';
import { channelSchema, type Channel } from '@/lib/alerts/channels/channel';
import type { AlertRule } from '@/lib/alerts/rule';
import { waitFor } from '../helpers/wait';
import { startTricklingSmtp, type TricklingSmtp } from '../helpers/trickling-smtp';

const RULE: AlertRule = {
  id: '6f1c1c43-7d4c-4f61-9d0e-2b0f8c3a1a10', name: 'backlog', enabled: true, kind: 'waiting-depth', connection: 'main', queue: 'mail', threshold: 10, minutes: 2,
  cooldownMinutes: 0, webhookFormat: 'json', channelIds: [], createdAt: 0, createdBy: 'a', updatedAt: 0,
};
const mail = channelSchema.parse({ id: '11111111-1111-4111-8111-111111111111', createdAt: 0, createdBy: 'a', updatedAt: 0, type: 'email', name: 'm', config: { to: ['a@example.com'] } }) as Extract<Channel, { type: 'email' }>;
const event = { state: 'firing' as const, connection: 'main', queue: 'mail', value: 12, at: Date.now() };

let trickler: TricklingSmtp;

beforeAll(async () => {
  trickler = await startTricklingSmtp();
});

afterEach(() => {
  delete process.env.SMTP_URL;
});

afterAll(async () => {
  await trickler.close();
});

describe('the email channel', () => {
  it('gives up on a server that trickles its answer after the overall deadline (20 s), and closes the connection', async () => {
    expect(SMTP_DEADLINE_MS).toBe(20_000);
    process.env.SMTP_URL = `smtp://127.0.0.1:${trickler.port}`;
    const started = Date.now();
    const outcome = await sendEmail(mail, RULE, event, 'drover:k:1', 1500);
    expect(outcome).toMatchObject({ ok: false, status: null, error: 'SMTP: no answer within 1.5 s (the whole connection and send)' });
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
    await waitFor(() => trickler.closed() === 1 && trickler.open.size === 0, { what: 'the slow SMTP connection closed' });
  });

  it('still sends through a normal server, plain and smtps', async () => {
    const received: string[] = [];
    const onData: NonNullable<SMTPServerOptions['onData']> = (stream, _session, callback) => {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        received.push(raw);
        callback();
      });
    };
    const plain = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, onData });
    const secure = new SMTPServer({ secure: true, authOptional: true, disabledCommands: ['AUTH'], logger: false, onData });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    try {
      process.env.SMTP_URL = `smtp://127.0.0.1:${(plain.server.address() as AddressInfo).port}`;
      expect(await sendEmail(mail, RULE, event, 'drover:k:2')).toMatchObject({ ok: true });
      process.env.SMTP_URL = `smtps://127.0.0.1:${(secure.server.address() as AddressInfo).port}/?tls.rejectUnauthorized=false`;
      expect(await sendEmail(mail, RULE, event, 'drover:k:3')).toMatchObject({ ok: true });
      expect(received).toHaveLength(2);
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
      await new Promise<void>((resolve) => secure.close(() => resolve()));
    }
  });
});
