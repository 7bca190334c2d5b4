// Operations on a connection's dead-letter queue: summary, error groups, the list, one dead letter,
// export, requeue and purge.
import { z } from 'zod';
import { dlqParamsSchema, deadLetterParamsSchema } from '@/lib/dlq/params';
import { deadLetterFilterSchema, purgeInputSchema, requeueInputSchema } from '@/lib/dlq/schemas';
import { listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { listErrorGroupsQuerySchema } from '@/lib/dlq/list-error-groups';
import { accessOf } from '@/lib/auth/principal';
import { connection, operation } from './define';

const DLQ = '/connections/{conn}/dlq';
const exampleConn = { conn: 'default' };
const exampleId = 'dl-0123456789abcdef0123456789abcdef';

export const deadLetterOperations = {
  summary: operation({
    name: 'dlq.summary', role: 'viewer', scope: 'connection', http: { method: 'GET', path: `${DLQ}/summary` },
    summary: 'How many dead letters, by origin queue, and the capture/requeue/purge counters',
    params: dlqParamsSchema, example: { params: exampleConn },
    run: async (ctx, { params }) => (await import('@/lib/dlq/get-dead-letter-summary')).getDeadLetterSummary(connection(params.conn), accessOf(ctx.actor)),
  }),
  errorGroups: operation({
    name: 'dlq.groups', role: 'viewer', scope: 'connection', http: { method: 'GET', path: `${DLQ}/groups` },
    summary: 'Dead letters grouped by their normalized error (numbers, ids and UUIDs masked), largest first',
    params: dlqParamsSchema, query: listErrorGroupsQuerySchema, example: { params: exampleConn, query: { limit: 50 } },
    run: async (ctx, { params, query }) => (await import('@/lib/dlq/list-error-groups')).listErrorGroups(connection(params.conn), query, accessOf(ctx.actor)),
  }),
  list: operation({
    name: 'dlq.list', role: 'viewer', scope: 'connection', http: { method: 'GET', path: DLQ },
    summary: 'A page of dead letters, newest failure first, filtered by origin queue, error group, name, text or time',
    params: dlqParamsSchema, query: listDeadLettersQuerySchema, example: { params: exampleConn, query: { queue: 'email', page: 1, size: 25 } },
    expensive: (q) => (q.q || q.name ? 'search' : undefined),
    run: async (ctx, { params, query }) => (await import('@/lib/dlq/list-dead-letters')).listDeadLetters(connection(params.conn), query, accessOf(ctx.actor)),
  }),
  get: operation({
    name: 'dlq.get', role: 'viewer', scope: 'connection', http: { method: 'GET', path: `${DLQ}/{id}` },
    summary: 'One dead letter: its origin job, error, attempts and (with `data=1`) its data',
    params: deadLetterParamsSchema, query: z.object({ data: z.enum(['0', '1']).optional() }).strict(), example: { params: { conn: 'default', id: exampleId }, query: { data: '1' } },
    run: async (ctx, { params, query }) => (await import('@/lib/dlq/get-dead-letter')).getDeadLetter(connection(params.conn), params.id, { includeData: query.data === '1', access: accessOf(ctx.actor) }),
  }),
  export: operation({
    name: 'dlq.export', role: 'viewer', scope: 'connection', http: { method: 'GET', path: `${DLQ}/export` },
    summary: 'Every dead letter matching the filter as NDJSON, streamed as a download',
    params: dlqParamsSchema, query: deadLetterFilterSchema, example: { params: exampleConn, query: { queue: 'email' } },
    expensive: 'download', produces: 'application/x-ndjson',
    run: async (ctx, { params, query }) => (await import('@/lib/dlq/export-dead-letters')).exportDeadLettersResponse(connection(params.conn), query, ctx.request?.signal, accessOf(ctx.actor)),
  }),
  requeueDeadLetters: operation({
    name: 'dlq.requeue', role: 'operator', scope: 'connection', http: { method: 'POST', path: `${DLQ}/requeue` }, action: 'requeueDeadLettersAction',
    summary: 'Requeue dead letters as fresh jobs of their origin queues: ids (one with edited `data`) or every match of a filter',
    params: dlqParamsSchema, body: requeueInputSchema, example: { params: exampleConn, body: { ids: [exampleId] } },
    maxBodyBytes: 8 * 1024 * 1024,
    run: async (ctx, { params, body }) => (await import('@/lib/dlq/requeue-dead-letters')).requeueDeadLetters(ctx, params.conn, body),
  }),
  purgeDeadLetters: operation({
    name: 'dlq.purge', role: 'admin', scope: 'connection', http: { method: 'POST', path: `${DLQ}/purge` }, action: 'purgeDeadLettersAction',
    summary: 'Delete dead letters for good: ids or every match of a filter, in batches of 1,000',
    params: dlqParamsSchema, body: purgeInputSchema, example: { params: exampleConn, body: { filter: { olderThanMs: 2_592_000_000 } } },
    maxBodyBytes: 8 * 1024 * 1024,
    run: async (ctx, { params, body }) => (await import('@/lib/dlq/purge-dead-letters')).purgeDeadLetters(ctx, params.conn, body),
  }),
};
