// Operations on alert rules (admin): list, history, create, change, delete, send a test notification;
// and the one every role reads: which alerts fire now (names and targets only, for the console's banner).
import { z } from 'zod';
import { alertRuleInputSchema, alertRulePatchSchema, ruleIdSchema } from '@/lib/alerts/rule';
import { firingAlertsSchema } from '@/lib/alerts/firing-alerts';
import { accessOf } from '@/lib/auth/principal';
import { operation } from './define';
import { channelIdSchema, channelInputSchema, channelPatchSchema } from '@/lib/alerts/channels/channel';

const exampleRule = {
  name: 'Email backlog',
  kind: 'waiting-depth' as const,
  connection: 'default',
  queue: 'email',
  threshold: 1000,
  minutes: 5,
  cooldownMinutes: 30,
  webhookUrl: 'https://hooks.example.com/services/T000/B000/XXXX',
  webhookFormat: 'slack' as const,
};
const exampleId = { id: '00000000-0000-4000-8000-000000000000' };
const exampleChannel = { type: 'pagerduty' as const, name: 'Ops on-call', config: { routingKey: 'R0123456789abcdef0123456789abcde', severity: 'critical' as const } };

export const alertOperations = {
  listAlertRules: operation({
    name: 'alerts.list', role: 'admin', scope: 'filtered', http: { method: 'GET', path: '/alerts' },
    summary: 'Every alert rule with its current state per target (webhook URLs masked)',
    run: async (ctx) => ({ rules: await (await import('@/lib/alerts/list-alerts')).listAlertRules(accessOf(ctx.actor)) }),
  }),
  firingAlerts: operation({
    name: 'alerts.firing', role: 'viewer', scope: 'filtered', http: { method: 'GET', path: '/alerts/firing' },
    summary: 'The alerts firing now: rule name, connection, queue and since when (nothing else of the rule)',
    output: firingAlertsSchema,
    run: async (ctx) => (await import('@/lib/alerts/list-firing-alerts')).listFiringAlerts(accessOf(ctx.actor)),
  }),
  alertHistory: operation({
    name: 'alerts.history', role: 'admin', scope: 'filtered', http: { method: 'GET', path: '/alerts/history' },
    summary: 'Firing and resolved transitions, notifications and tests, newest first',
    query: z.object({ rule: z.string().uuid('must be an alert rule id').optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }), example: { query: { limit: 100 } },
    run: async (ctx, { query }) => ({ history: await (await import('@/lib/alerts/list-alerts')).listAlertHistory({ limit: query.limit, ruleId: query.rule, access: accessOf(ctx.actor) }) }),
  }),
  createAlertRule: operation({
    name: 'alert.create', role: 'admin', scope: 'filtered', http: { method: 'POST', path: '/alerts', status: 201 }, action: 'createAlertRuleAction',
    summary: 'Create an alert rule (kind, target, threshold, minutes, cooldown, webhook)',
    body: alertRuleInputSchema, example: { body: exampleRule },
    run: async (ctx, { body }) => (await import('@/lib/alerts/create-alert-rule')).createAlertRule(ctx, body),
  }),
  updateAlertRule: operation({
    name: 'alert.update', role: 'admin', scope: 'filtered', http: { method: 'PATCH', path: '/alerts/{id}' }, action: 'updateAlertRuleAction',
    summary: 'Change fields of an alert rule; a change to what it judges starts it over',
    params: ruleIdSchema, body: alertRulePatchSchema, example: { params: exampleId, body: { threshold: 500, enabled: true } },
    run: async (ctx, { params, body }) => (await import('@/lib/alerts/update-alert-rule')).updateAlertRule(ctx, { id: params.id, patch: body }),
  }),
  deleteAlertRule: operation({
    name: 'alert.delete', role: 'admin', scope: 'filtered', http: { method: 'DELETE', path: '/alerts/{id}' }, action: 'deleteAlertRuleAction',
    summary: 'Delete an alert rule and its evaluation state',
    params: ruleIdSchema, example: { params: exampleId },
    run: async (ctx, { params }) => (await import('@/lib/alerts/delete-alert-rule')).deleteAlertRule(ctx, params),
  }),
  testAlertRule: operation({
    name: 'alert.test', role: 'admin', scope: 'filtered', http: { method: 'POST', path: '/alerts/{id}/test' }, action: 'testAlertRuleAction',
    summary: 'Send a clearly marked test notification to the rule’s webhook and report the answer',
    params: ruleIdSchema, example: { params: exampleId },
    run: async (ctx, { params }) => (await import('@/lib/alerts/test-alert-rule')).testAlertRule(ctx, params),
  }),
  // Paging channels: global, holding secrets — managed by global admins only (scope global); any admin reads names and types to pick them.
  listAlertChannels: operation({
    name: 'alertChannels.list', role: 'admin', scope: 'filtered', http: { method: 'GET', path: '/alerts/channels' },
    summary: 'Paging channels: a global admin reads each with its config (secrets masked), a scoped admin names and types only',
    run: async (ctx) => ({ channels: await (await import('@/lib/alerts/channels/list-channels')).listChannels(accessOf(ctx.actor)) }),
  }),
  createAlertChannel: operation({
    name: 'alertChannel.create', role: 'admin', scope: 'global', http: { method: 'POST', path: '/alerts/channels', status: 201 }, action: 'createAlertChannelAction',
    summary: 'Create a paging channel (webhook, email, PagerDuty Events API v2, Opsgenie-compatible); its secrets are never read back',
    body: channelInputSchema, example: { body: exampleChannel }, maxBodyBytes: 16 * 1024,
    run: async (ctx, { body }) => (await import('@/lib/alerts/channels/create-channel')).createChannel(ctx, body),
  }),
  updateAlertChannel: operation({
    name: 'alertChannel.update', role: 'admin', scope: 'global', http: { method: 'PATCH', path: '/alerts/channels/{id}' }, action: 'updateAlertChannelAction',
    summary: 'Change a paging channel’s name or config fields; an omitted secret keeps the saved one',
    params: channelIdSchema, body: channelPatchSchema, example: { params: exampleId, body: { name: 'Ops on-call (EU)' } }, maxBodyBytes: 16 * 1024,
    run: async (ctx, { params, body }) => (await import('@/lib/alerts/channels/update-channel')).updateChannel(ctx, { id: params.id, patch: body }),
  }),
  deleteAlertChannel: operation({
    name: 'alertChannel.delete', role: 'admin', scope: 'global', http: { method: 'DELETE', path: '/alerts/channels/{id}' }, action: 'deleteAlertChannelAction',
    summary: 'Delete a paging channel (refused while a rule uses it)',
    params: channelIdSchema, example: { params: exampleId },
    run: async (ctx, { params }) => (await import('@/lib/alerts/channels/delete-channel')).deleteChannel(ctx, params),
  }),
  testAlertChannel: operation({
    name: 'alertChannel.test', role: 'admin', scope: 'global', http: { method: 'POST', path: '/alerts/channels/{id}/test' }, action: 'testAlertChannelAction',
    summary: 'Send a clearly marked test through a channel (PagerDuty and Opsgenie: a trigger, then its resolve) and report each step’s answer',
    rateLimited: 'One test per channel every 10 s, and 20 tests a minute for all channels of the console (see Retry-After)',
    params: channelIdSchema, example: { params: exampleId },
    run: async (ctx, { params }) => (await import('@/lib/alerts/channels/test-channel')).testChannel(ctx, params),
  }),
};
