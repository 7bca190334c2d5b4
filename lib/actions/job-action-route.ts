// POST …/jobs/{id}/<action>: the route handlers of single-job actions share this shape.
import 'server-only';
import type { z } from 'zod';
import { apiRoute } from '@/lib/api/api-route';
import { jobParamsSchema } from '@/lib/queues/params';
import type { AuditContext } from '@/lib/audit/audited';
import type { JobTarget } from './job-actions';

export function jobActionRoute<B>(audit: string, body: z.ZodType<B> | undefined, run: (ctx: AuditContext, t: JobTarget, body: B) => Promise<unknown>) {
  return apiRoute({ role: 'operator', audit, params: jobParamsSchema, body }, async ({ params, body, audit: ctx }) => run(ctx, params, body));
}
