// A job's links out and trace, rendered on the server for its page (JobDetail.links, .trace): the
// templates never reach browsers that only need the hrefs.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { logger } from '@/lib/log';
import { configQueueLinks, getLinks } from './get-links';
import { renderLink, type LinkFacts, type RenderedLink } from './render-links';
import { traceOf, type TraceContext } from './trace-context';
import type { LinksView } from './schemas';

type JobFacts = Omit<LinkFacts, 'connection' | 'queue' | 'attempt' | 'traceId' | 'spanId'> & { attemptsStarted: number; opts: Record<string, unknown> };

export async function jobLinks(conn: Connection, queue: string, job: JobFacts): Promise<{ links: RenderedLink[]; trace: TraceContext | null }> {
  const trace = traceOf(job.opts);
  let view: LinksView;
  try {
    view = await getLinks(conn, queue);
  } catch (err) {
    // The console store down: the job page still opens, with the config file's links.
    logger.warn({ msg: 'admin-set links unavailable', err: (err as Error).message });
    view = { connection: { config: conn.config.links ?? [], console: [] }, queue: { config: configQueueLinks(conn, queue), console: [] } };
  }
  const facts: LinkFacts = {
    connection: conn.name, queue, id: job.id, name: job.name, timestamp: job.timestamp, processedOn: job.processedOn, finishedOn: job.finishedOn,
    attempt: job.attemptsStarted > 0 ? job.attemptsStarted : null, processedBy: job.processedBy, traceId: trace?.traceId ?? null, spanId: trace?.spanId ?? null,
  };
  const links = [
    ...view.connection.config.map((t) => renderLink(t, facts, { scope: 'connection', source: 'config' })),
    ...view.connection.console.map((t) => renderLink(t, facts, { scope: 'connection', source: 'console' })),
    ...(view.queue?.config ?? []).map((t) => renderLink(t, facts, { scope: 'queue', source: 'config' })),
    ...(view.queue?.console ?? []).map((t) => renderLink(t, facts, { scope: 'queue', source: 'console' })),
  ];
  return { links, trace };
}
