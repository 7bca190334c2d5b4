import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/guard';
import { jobParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getJob } from '@/lib/jobs/get-job';
import { ForbiddenError } from '@/lib/errors';
import { loadPageData, readOperation } from '@/lib/http/load-page-data';
import { JobView } from '@/components/explorer/job-view';
import { PageError } from '@/components/explorer/page-error';
import { queueHref } from '@/components/explorer/format';
import { hasRole } from '@/lib/auth/roles';
import { authorize } from '@/lib/auth/authorize';
import { jobOperations } from '@/lib/operations/jobs';
import { scopeOf } from '@/lib/operations/define';

type Props = { params: Promise<{ conn: string; queue: string; id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id, queue } = await params;
  return { title: `Job ${decodeURIComponent(id)} · ${decodeURIComponent(queue)}` };
}

export default async function JobPage({ params }: Props) {
  const raw = await params;
  const parsed = jobParamsSchema.safeParse({ conn: decodeURIComponent(raw.conn), queue: decodeURIComponent(raw.queue), id: decodeURIComponent(raw.id) });
  if (!parsed.success) notFound();
  const { conn, queue, id } = parsed.data;
  const principal = await requirePageRole('viewer', `/connections/${raw.conn}/queues/${raw.queue}/jobs/${raw.id}`);
  const result = await loadPageData(async () => {
    // As GET …/jobs/{id} checks it: a job of a queue outside the user's scope does not exist (404), and
    // what they may do follows their role on this queue (README › Team scopes).
    const op = jobOperations.getJob;
    const actor = await authorize(principal, { name: op.name, role: op.role, scope: scopeOf(op) }, { conn, queue, id });
    const connection = getConnection(conn);
    const [job, attempts] = await Promise.all([
      getJob(connection, queue, id, principal.access),
      // Through job.attempts, so an attempts history withheld from the role (permission matrix) stays hidden.
      readOperation(principal, jobOperations.getJobAttempts, { params: { conn, queue, id } }).then((r) => r.attempts, (err) => (err instanceof ForbiddenError ? [] : Promise.reject(err))),
    ]);
    return [job, attempts, connection.readOnly, actor.role] as const;
  }, conn);
  if (!result.ok) return <PageError error={result.error} backHref={queueHref(conn, queue)} backLabel={`Back to ${queue}`} />;
  const [job, attempts, readOnly, role] = result.data;
  return <JobView key={`${conn}/${queue}/${id}`} conn={conn} queue={queue} initialJob={job} initialAttempts={attempts} canAct={hasRole(role, 'operator') && !readOnly} />;
}
