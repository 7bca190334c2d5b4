// Renders a templated email and sends it over SMTP_URL, or writes it to the outbox as .eml when no
// SMTP server is configured (the default works offline).
import fs from 'node:fs/promises';
import { fileInside, safeFileName } from './safe-file-name';
import nodemailer, { type Transporter } from 'nodemailer';
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

export function createEmailProcessor(opts: { smtpUrl?: string; from: string; outboxDir: string }): InlineProcessor<EmailData, EmailResult> & { close: () => void } {
  const smtp: Transporter | undefined = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : undefined;
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
    if (smtp) {
      let info;
      try {
        info = await smtp.sendMail(message);
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
  return Object.assign(processor, { close: () => smtp?.close() });
}
