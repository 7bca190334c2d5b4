// Operations about the console itself: who the caller is, the audit log, the API description.
import { auditQuerySchema } from '@/lib/audit/list-audit';
import { eventsQuerySchema } from '@/lib/events/open-event-stream';
import { accessOf } from '@/lib/auth/principal';
import { operation } from './define';

export const consoleOperations = {
  me: operation({
    name: 'me', role: 'viewer', scope: 'self', http: { method: 'GET', path: '/me' },
    summary: 'Who the caller is (user or token): the highest role they hold anywhere, their global role ("none": only what the grants give) and their grants',
    run: async (ctx) => {
      const access = accessOf(ctx.actor);
      return { kind: ctx.actor.kind, name: ctx.actor.name, role: ctx.actor.role, globalRole: access.global ?? 'none', grants: access.grants };
    },
  }),
  audit: operation({
    name: 'audit.list', role: 'admin', scope: 'filtered', http: { method: 'GET', path: '/audit' },
    summary: 'Audit entries newest first, filtered by user, action, queue, outcome and time; refusals repeated by one actor carry a count',
    query: auditQuerySchema, example: { query: { outcome: 'denied', limit: 100 } },
    run: async (ctx, { query }) => (await import('@/lib/audit/list-audit')).listAudit(query, accessOf(ctx.actor)),
  }),
  events: operation({
    name: 'events', role: 'viewer', scope: 'filtered', http: { method: 'GET', path: '/events' },
    summary: 'Server-Sent Events: job events of the named queues (`queue=<conn>/<queue>`, repeatable), overview snapshots and store health',
    description: 'Only queues that exist (404 names the others); at most 20 queues per stream and 10 streams per user or token (429 with Retry-After); a client that stops reading is dropped 30 s behind.',
    query: eventsQuerySchema, example: { query: { queue: 'default/email', overview: '1' } },
    produces: 'text/event-stream',
    run: async (ctx, { query }) => (await import('@/lib/events/open-event-stream')).openEventStream(ctx.actor, query, ctx.request?.signal ?? new AbortController().signal),
  }),
  openapi: operation({
    name: 'openapi', role: 'viewer', scope: 'self', http: { method: 'GET', path: '/openapi.json' },
    summary: 'This API description (OpenAPI 3.1), generated from the operation table',
    run: async () => (await import('@/lib/http/openapi')).openApiDocument(),
  }),
};
