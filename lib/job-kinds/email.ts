// email: render subject/text/html templates and send them over SMTP, or into .data/outbox/ without SMTP.
import { z } from 'zod';
import { defineJobKind, retention } from './kind';

const address = z.email({ error: 'must be an email address' });

export const emailDataSchema = z.object({
  to: z.union([address, z.array(address).min(1).max(50)]).describe('Recipient, or up to 50'),
  cc: z.array(address).max(50).optional(),
  from: address.optional().describe('Defaults to DROVER_MAIL_FROM'),
  replyTo: address.optional(),
  subject: z.string().min(1).max(300).describe('Template: {{name}} is replaced from variables'),
  text: z.string().min(1).max(100_000).describe('Plain-text body template'),
  html: z.string().max(500_000).optional().describe('HTML body template (variables are HTML-escaped)'),
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Values for {{name}} placeholders'),
});
export type EmailData = z.infer<typeof emailDataSchema>;

export const emailKind = defineJobKind({
  kind: 'email',
  queue: 'email',
  jobNames: ['send'],
  description: 'Render a templated email and send it with nodemailer to SMTP_URL; without SMTP_URL it is written as an .eml file under .data/outbox/. SMTP 5xx answers fail permanently, 4xx and connection errors retry.',
  dataSchema: emailDataSchema,
  // Mail servers greylist for minutes: 5 attempts over ~5 minutes (20 s, 40 s, 80 s, 160 s).
  defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 20_000 }, ...retention(2_000, 5_000) },
  concurrency: 5,
  // Stay under typical provider limits.
  limiter: { max: 20, duration: 1_000 },
});
