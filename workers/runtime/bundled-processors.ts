// Wires the registry's kinds to their processors. Only the runtime imports this (it loads nodemailer).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir } from '@/lib/data-dir';
import { jobKinds, type JobKindName } from '@/lib/job-kinds/registry';
import { createWebhookProcessor } from '../processors/webhook';
import { createEmailProcessor } from '../processors/email';
import { createReportProcessor } from '../processors/report';
import type { ProcessorSpec, RuntimeKind } from './processor';

export type BundledProcessorOptions = {
  webhookSecret: string;
  smtpUrl?: string;
  mailFrom: string;
};

const here = path.dirname(fileURLToPath(import.meta.url));
/** The image processor's sandbox entry (a child process loads it). */
export const IMAGE_SANDBOX_FILE = path.join(here, '..', 'processors', 'image.sandbox.mjs');

export function bundledProcessors(opts: BundledProcessorOptions): { processors: Record<JobKindName, ProcessorSpec>; close: () => void } {
  const email = createEmailProcessor({ smtpUrl: opts.smtpUrl, from: opts.mailFrom, outboxDir: dataDir('outbox') });
  return {
    processors: {
      webhook: { type: 'inline', process: createWebhookProcessor({ secret: opts.webhookSecret }) },
      email: { type: 'inline', process: email },
      image: { type: 'sandboxed', file: IMAGE_SANDBOX_FILE },
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
