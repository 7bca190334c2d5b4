// Operations on saved views: every signed-in user lists, reads, saves, changes and deletes views; what
// each may see or change is decided per view (lib/views/view-commands.ts): shared views and one's own
// private ones are visible, sharing needs operator, changing someone else's view needs admin.
import { listViewsQuerySchema, viewIdSchema, viewInputSchema, viewListSchema, viewPatchSchema, viewSchema } from '@/lib/views/view';
import { operation } from './define';

const exampleView = {
  conn: 'default',
  queue: 'email',
  name: 'Failed for big customers',
  query: 'state:failed data.plan:enterprise',
  within: 'failed' as const,
  columns: ['id', 'name', 'failed-reason', 'data.customerId'],
  order: 'newest' as const,
  visibility: 'private' as const,
};
const exampleId = { id: '00000000-0000-4000-8000-000000000000' };

export const viewOperations = {
  listViews: operation({
    name: 'views.list', role: 'viewer', scope: 'self', http: { method: 'GET', path: '/views' },
    summary: 'The saved views you can see (shared ones and your own private ones), optionally of one connection and queue',
    query: listViewsQuerySchema, output: viewListSchema, example: { query: { conn: 'default', queue: 'email' } },
    run: async (ctx, { query }) => (await import('@/lib/views/list-views')).listViews(ctx.actor, query),
  }),
  getView: operation({
    name: 'views.get', role: 'viewer', scope: 'self', http: { method: 'GET', path: '/views/{id}' },
    summary: 'One saved view (someone else’s private view answers 404)',
    params: viewIdSchema, output: viewSchema, example: { params: exampleId },
    run: async (ctx, { params }) => (await import('@/lib/views/get-view')).getView(ctx.actor, params.id),
  }),
  createView: operation({
    name: 'views.create', role: 'viewer', scope: 'self', http: { method: 'POST', path: '/views', status: 201 }, action: 'createViewAction',
    summary: 'Save a view of a queue: a job query, the state it runs in, columns and order; private, or shared (operator and up)',
    description: 'At most 50 private views per user and 500 shared views per console. The query must parse: a malformed one answers 400 with the parser’s message.',
    body: viewInputSchema, output: viewSchema, example: { body: exampleView },
    escalations: [{ role: 'operator', when: 'saving a shared view', example: { body: { ...exampleView, visibility: 'shared' } } }],
    run: async (ctx, { body }) => (await import('@/lib/views/create-view')).createView(ctx, body),
  }),
  updateView: operation({
    name: 'views.update', role: 'viewer', scope: 'self', http: { method: 'PATCH', path: '/views/{id}' }, action: 'updateViewAction',
    summary: 'Change a saved view (its owner, or an admin); sharing it needs operator',
    params: viewIdSchema, body: viewPatchSchema, output: viewSchema, example: { params: exampleId, body: { name: 'Failed, enterprise plan' } },
    escalations: [{ role: 'operator', when: 'sharing a view', example: { params: exampleId, body: { visibility: 'shared' } } }],
    run: async (ctx, { params, body }) => (await import('@/lib/views/update-view')).updateView(ctx, { id: params.id, patch: body }),
  }),
  deleteView: operation({
    name: 'views.delete', role: 'viewer', scope: 'self', http: { method: 'DELETE', path: '/views/{id}' }, action: 'deleteViewAction',
    summary: 'Delete a saved view (its owner, or an admin)',
    params: viewIdSchema, example: { params: exampleId },
    run: async (ctx, { params }) => (await import('@/lib/views/delete-view')).deleteView(ctx, params),
  }),
};
