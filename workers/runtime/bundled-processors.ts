// Wires the registry's kinds to their processors. Only the runtime imports this (it loads nodemailer).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir } from '@/lib/data-dir';
import { jobKinds, type JobKindName } from '@/lib/job-kinds/registry';
import { createWebhookProcessor } from '../processors/webhook';
import { createEmailProcessor, EMAIL_SMTP_DEADLINE_MS } from '../processors/email';
import { createReportProcessor } from '../processors/report';
import type { ProcessorSpec, RuntimeKind } from './processor';
import { imageDestination, smtpDestination, webhookDestination } from './circuit-destination';

/** The image processor's download timeout (workers/processors/image.ts, not imported here: it loads sharp). */
const IMAGE_FETCH_TIMEOUT_MS = 30_000;

export type BundledProcessorOptions = {
  webhookSecret: string;
  smtpUrl?: string;
  mailFrom: string;
  /** The most one email's SMTP send may take (DROVER_SMTP_DEADLINE_MS); EMAIL_SMTP_DEADLINE_MS by default. */
  smtpDeadlineMs?: number;
};

const here = path.dirname(fileURLToPath(import.meta.url));
/** The image processor's sandbox entry (a child process loads it). */
export const IMAGE_SANDBOX_FILE = path.join(here, '..', 'processors', 'image.sandbox.mjs');

export function bundledProcessors(opts: BundledProcessorOptions): { processors: Record<JobKindName, ProcessorSpec>; close: () => void } {
  const smtpDeadlineMs = opts.smtpDeadlineMs ?? EMAIL_SMTP_DEADLINE_MS;
  const email = createEmailProcessor({ smtpUrl: opts.smtpUrl, from: opts.mailFrom, outboxDir: dataDir('outbox'), deadlineMs: smtpDeadlineMs });
  return {
    processors: {
      webhook: { type: 'inline', process: createWebhookProcessor({ secret: opts.webhookSecret }), destinationOf: webhookDestination(10_000) },
      email: { type: 'inline', process: email, destinationOf: smtpDestination(opts.smtpUrl, smtpDeadlineMs) },
      image: { type: 'sandboxed', file: IMAGE_SANDBOX_FILE, destinationOf: imageDestination(IMAGE_FETCH_TIMEOUT_MS) },
      report: { type: 'inline', process: createReportProcessor({ reportsDir: dataDir('reports') }) },
    },
    close: () => email.close(),
  };
}

/** Registry kinds selected by kind or queue name (all when `names` is empty), with their processors. */
export function selectKinds(names: string[], processors: Record<JobKindName, ProcessorSpec>): RuntimeKind[] {
  const unknown = names.filter((n) => !jobKinds.some((k) => k.kind === n || k.queue === n));
  if (unknown.length > 0) {
    throw new Error(`Unknown job kind or queue: ${unknown.join(', ')} (known: ${jobKinds.map((k) => k.kind).join(', ')})`);
  }
  const chosen = names.length === 0 ? jobKinds : jobKinds.filter((k) => names.includes(k.kind) || names.includes(k.queue));
  return chosen.map((definition) => ({ definition, processor: processors[definition.kind] }));
}
