// Renders a templated email and sends it over SMTP_URL, or writes it to the outbox as .eml when no
// SMTP server is configured (the default works offline). The SMTP send is bounded as a whole
// (EMAIL_SMTP_DEADLINE_MS, DROVER_SMTP_DEADLINE_MS) and ends when the job's signal aborts (lib/mail/smtp-send.ts).
import fs from 'node:fs/promises';
import { fileInside, safeFileName } from './safe-file-name';
import nodemailer from 'nodemailer';
import { sendSmtp, SmtpAbortError, SmtpDeadlineError, type SmtpTimeouts } from '@/lib/mail/smtp-send';
import type { EmailData } from '@/lib/job-kinds/email';
import type { InlineProcessor } from '../runtime/processor';
import { permanentFailure } from '../failures';

export type EmailResult = {
  transport: 'smtp' | 'outbox';
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The SMTP server's final answer. */
  response?: string;
  /** The .eml file, for the outbox. */
  file?: string;
};

/**
 * The most one SMTP send may take, connection, greeting, TLS and send together (DROVER_SMTP_DEADLINE_MS in
 * the worker settings): nodemailer's timeouts restart with every byte. 30 s: a healthy server takes well under
 * a second per message, a greylisting one answers at once with a 4xx, and 30 s is the default shutdown wait
 * (DROVER_SHUTDOWN_TIMEOUT_MS): a stopping worker's email send ends within it.
 */
export const EMAIL_SMTP_DEADLINE_MS = 30_000;

/** The idle timeouts inside the deadline (nodemailer's defaults: 2 min to connect, 10 min of silence). */
const SMTP_TIMEOUTS: SmtpTimeouts = { connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 20_000 };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Replaces {{name}} placeholders; a placeholder without a value is a permanent failure, not a blank. */
export function renderTemplate(template: string, variables: Record<string, string | number | boolean>, html = false): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    if (!(name in variables)) throw permanentFailure(`Template variable {{${name}}} has no value (variables: ${Object.keys(variables).join(', ') || 'none'})`);
    const value = String(variables[name]);
    return html ? escapeHtml(value) : value;
  });
}

type SmtpError = Error & { responseCode?: number; code?: string; response?: string };

function smtpFailure(err: SmtpError): Error {
  // Both retryable: a slow server may answer next time; an aborted run is ended by the runtime (cancel → not retried).
  if (err instanceof SmtpDeadlineError || err instanceof SmtpAbortError) return err;
  const answer = err.response ? ` (${err.response.slice(0, 200)})` : '';
  if (err.responseCode && err.responseCode >= 500) return permanentFailure(`SMTP server refused the message with ${err.responseCode}${answer}`);
  if (err.code === 'EENVELOPE') return permanentFailure(`No recipient accepted: ${err.message}`);
  if (err.code === 'EAUTH') return permanentFailure(`SMTP authentication failed: check the credentials in SMTP_URL (${err.message})`);
  return new Error(`SMTP delivery failed${err.responseCode ? ` with ${err.responseCode}` : ''}: ${err.message}${answer}`);
}

function list(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === 'string' ? v : ((v as { address?: string }).address ?? String(v))));
}

/** `deadlineMs`: EMAIL_SMTP_DEADLINE_MS unless the worker settings (or a test) say otherwise. */
export function createEmailProcessor(opts: { smtpUrl?: string; from: string; outboxDir: string; deadlineMs?: number }): InlineProcessor<EmailData, EmailResult> & { close: () => void } {
  const { smtpUrl } = opts;
  const deadlineMs = opts.deadlineMs ?? EMAIL_SMTP_DEADLINE_MS;
  // No idle timeout longer than the deadline (a short deadline would make them moot anyway).
  const timeouts: SmtpTimeouts = {
    connectionTimeoutMs: Math.min(SMTP_TIMEOUTS.connectionTimeoutMs, deadlineMs),
    greetingTimeoutMs: Math.min(SMTP_TIMEOUTS.greetingTimeoutMs, deadlineMs),
    socketTimeoutMs: Math.min(SMTP_TIMEOUTS.socketTimeoutMs, deadlineMs),
  };
  const outbox = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  const processor = async ({ job, data, signal }: Parameters<InlineProcessor<EmailData, EmailResult>>[0]): Promise<EmailResult> => {
    const message = {
      from: data.from ?? opts.from,
      to: data.to,
      cc: data.cc,
      replyTo: data.replyTo,
      subject: renderTemplate(data.subject, data.variables),
      text: renderTemplate(data.text, data.variables),
      html: data.html === undefined ? undefined : renderTemplate(data.html, data.variables, true),
      headers: { 'X-Drover-Job': `${job.queueName}/${job.id}` },
    };
    const recipients = ([] as string[]).concat(data.to, data.cc ?? []);
    await job.log(`rendered "${message.subject}" for ${recipients.join(', ')}`);
    signal.throwIfAborted();
    if (smtpUrl) {
      let info;
      try {
        info = await sendSmtp(smtpUrl, message, { ...timeouts, deadlineMs, signal });
      } catch (err) {
        throw smtpFailure(err as SmtpError);
      }
      await job.log(`sent over SMTP as ${info.messageId}: ${info.response}`);
      return { transport: 'smtp', messageId: info.messageId, accepted: list(info.accepted), rejected: list(info.rejected), response: info.response };
    }
    const info = await outbox.sendMail(message);
    await fs.mkdir(opts.outboxDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = fileInside(opts.outboxDir, `${stamp}-${safeFileName(job.queueName)}-${safeFileName(String(job.id))}.eml`);
    await fs.writeFile(file, info.message as Buffer);
    await job.log(`no SMTP_URL: written to ${file}`);
    return { transport: 'outbox', messageId: info.messageId, accepted: recipients, rejected: [], file };
  };
  // Each SMTP send has its own connection, closed when it ends: only the outbox transport to close.
  return Object.assign(processor, { close: () => outbox.close() });
}
