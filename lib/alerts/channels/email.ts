// The email channel: one message per notification through SMTP_URL / DROVER_MAIL_FROM (the settings the
// email job kind uses, lib/mail/smtp-settings.ts). Without SMTP_URL the channel is "not configured": alerts
// never fall back to the workers' outbox. The egress policy does not apply to SMTP (README › Egress policy).
import 'server-only';
import { sendSmtp, SmtpDeadlineError } from '@/lib/mail/smtp-send';
import { smtpSettings } from '@/lib/mail/smtp-settings';
import { receiverExcerpt } from '@/lib/egress/receiver-excerpt';
import type { AlertRule } from '../rule';
import { describeEvent, linkOf, notificationText, WEBHOOK_TIMEOUT_MS, type DeliveryOutcome, type NotificationEvent } from '../notify';
import type { Channel } from './channel';

type EmailChannel = Extract<Channel, { type: 'email' }>;

export const EMAIL_NOT_CONFIGURED = 'email is not configured: set SMTP_URL (and DROVER_MAIL_FROM) for the console';

/**
 * The most one email may take, connection, greeting, TLS and send together: the idle timeouts (sendEmail)
 * restart with every byte, so a server that answers byte by byte would hold a delivery (and a socket) forever.
 * The send itself, deadline and socket closing included, is lib/mail/smtp-send.ts (shared with the email job kind).
 */
export const SMTP_DEADLINE_MS = 20_000;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function alertMail(channel: EmailChannel, rule: AlertRule, e: NotificationEvent, dedupKey: string, from: string) {
  const link = linkOf(rule, e);
  const text = notificationText(rule, e);
  const prefix = channel.config.subjectPrefix ? `${channel.config.subjectPrefix} ` : '';
  // Message-ID per state, References on the resolve: mail clients thread the pair.
  const id = (state: string) => `<${dedupKey.replace(/[^A-Za-z0-9.-]/g, '.')}.${state}@drover>`;
  return {
    from,
    to: channel.config.to,
    subject: `${prefix}${text}`.replace(/[\r\n]+/g, ' ').slice(0, 250),
    messageId: id(e.test ? 'test' : e.state),
    ...(e.state === 'resolved' && !e.test ? { references: [id('firing')], inReplyTo: id('firing') } : {}),
    text: `${describeEvent(rule, e)}\n\nRule: ${rule.name}\nAt: ${new Date(e.at).toISOString()}\nOpen in Drover: ${link}\n`,
    html: `<p>${escapeHtml(describeEvent(rule, e))}</p><p>Rule: ${escapeHtml(rule.name)}<br>At: ${new Date(e.at).toISOString()}</p><p><a href="${escapeHtml(link)}">Open in Drover</a></p>`,
  };
}

/** `deadlineMs`: tests shorten it. */
export async function sendEmail(channel: EmailChannel, rule: AlertRule, e: NotificationEvent, dedupKey: string, deadlineMs = SMTP_DEADLINE_MS): Promise<DeliveryOutcome> {
  const started = Date.now();
  const { smtpUrl, from } = smtpSettings();
  if (!smtpUrl) return { ok: false, status: null, error: EMAIL_NOT_CONFIGURED, durationMs: 0 };
  try {
    const info = await sendSmtp(smtpUrl, alertMail(channel, rule, e, dedupKey, from), {
      deadlineMs,
      connectionTimeoutMs: WEBHOOK_TIMEOUT_MS,
      greetingTimeoutMs: WEBHOOK_TIMEOUT_MS,
      socketTimeoutMs: 2 * WEBHOOK_TIMEOUT_MS,
    });
    const rejected = (info.rejected ?? []).length;
    if (rejected > 0 && (info.accepted ?? []).length === 0) return { ok: false, status: null, error: 'no recipient accepted', durationMs: Date.now() - started };
    return { ok: true, status: null, error: null, durationMs: Date.now() - started };
  } catch (err) {
    // The delivery history's wording (README › Alerts), without the server: the channel never shows SMTP_URL's parts.
    if (err instanceof SmtpDeadlineError) return { ok: false, status: null, error: `SMTP: no answer within ${err.deadlineMs / 1000} s (the whole connection and send)`, durationMs: Date.now() - started };
    const x = err as Error & { responseCode?: number; code?: string };
    const raw = `SMTP ${x.responseCode ?? x.code ?? 'error'}: ${x.message}`;
    return { ok: false, status: x.responseCode ?? null, error: receiverExcerpt(raw.split(smtpUrl).join('<SMTP_URL>')), durationMs: Date.now() - started };
  }
}
