// Operations on links out (README › Links out): everyone reads a connection's and a queue's link
// templates; admins set the console's own (the config file's are read-only). Jobs carry their rendered
// links on job.get, not here.
import { z } from 'zod';
import { connectionNameSchema } from '@/lib/config/schema';
import { queueParamsSchema } from '@/lib/queues/params';
import { linksViewSchema, setLinksInputSchema } from '@/lib/links/schemas';
import { connection, operation } from './define';

const QUEUE = '/connections/{conn}/queues/{queue}';
const connParams = z.object({ conn: connectionNameSchema });
const exampleQueue = { conn: 'default', queue: 'email' };
const exampleTemplates = {
  templates: [
    { label: 'Logs', url: 'https://logs.example.com/search?q=job:{queue}/{id}&from={processedOn}' },
    { label: 'Trace', url: 'https://jaeger.example.com/trace/{traceId}' },
  ],
};
const setOutput = z.object({ message: z.string(), templates: z.number() });

export const linksOperations = {
  getConnectionLinks: operation({
    name: 'links.connection', role: 'viewer', http: { method: 'GET', path: '/connections/{conn}/links' },
    summary: 'A connection’s links out: the config file’s (read-only) and those admins set',
    params: connParams, output: linksViewSchema, example: { params: { conn: 'default' } },
    run: async (_ctx, { params }) => (await import('@/lib/links/get-links')).getLinks(connection(params.conn)),
  }),
  getQueueLinks: operation({
    name: 'links.get', role: 'viewer', http: { method: 'GET', path: `${QUEUE}/links` },
    summary: 'The links out of a queue’s job pages: its connection’s and its own, from the config file and set by admins',
    params: queueParamsSchema, output: linksViewSchema, example: { params: exampleQueue },
    run: async (_ctx, { params }) => (await import('@/lib/links/get-links')).getLinks(connection(params.conn), params.queue),
  }),
  setConnectionLinks: operation({
    name: 'links.set-connection', role: 'admin', http: { method: 'PUT', path: '/connections/{conn}/links' }, action: 'setConnectionLinksAction',
    summary: 'Replace the links out every queue of a connection shows on its job pages (an empty list removes them)',
    description: 'At most 10 templates {label ≤ 40 characters, url ≤ 2,000}; http/https only, variables only after the host; an unknown variable answers 400 naming it.',
    params: connParams, body: setLinksInputSchema, output: setOutput, example: { params: { conn: 'default' }, body: exampleTemplates },
    run: async (ctx, { params, body }) => (await import('@/lib/links/set-links')).setLinks(ctx, { conn: params.conn }, body),
  }),
  setQueueLinks: operation({
    name: 'links.set', role: 'admin', http: { method: 'PUT', path: `${QUEUE}/links` }, action: 'setQueueLinksAction',
    summary: 'Replace the links out a queue shows on its job pages, after its connection’s (an empty list removes them)',
    description: 'At most 10 templates {label ≤ 40 characters, url ≤ 2,000}; http/https only, variables only after the host; an unknown variable answers 400 naming it.',
    params: queueParamsSchema, body: setLinksInputSchema, output: setOutput, example: { params: exampleQueue, body: exampleTemplates },
    run: async (ctx, { params, body }) => (await import('@/lib/links/set-links')).setLinks(ctx, params, body),
  }),
};
