// Where Drover sends mail: SMTP_URL (nodemailer's URL form, smtp:// or smtps://) and DROVER_MAIL_FROM.
// The email job kind (workers/processors/email.ts, read in workers/main.ts) and the alert email channel
// (lib/alerts/channels/email.ts) use the same two variables. Not server-only: the workers may import lib/.
export type SmtpSettings = { smtpUrl: string | null; from: string };

export const DEFAULT_MAIL_FROM = 'drover@localhost';

export function smtpSettings(env: NodeJS.ProcessEnv = process.env): SmtpSettings {
  return { smtpUrl: env.SMTP_URL || null, from: env.DROVER_MAIL_FROM || DEFAULT_MAIL_FROM };
}
