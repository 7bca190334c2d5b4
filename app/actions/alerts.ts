'use server';
// Server actions for the Alerts page (admin). Each calls the same command as its /api/v1/alerts route.
import { serverAction } from '@/lib/api/server-action';
import { alertRuleIdInput, createAlertRule, createAlertRuleInput, deleteAlertRule, testAlertRule, updateAlertRule, updateAlertRuleInput } from '@/lib/alerts/commands';

export const createAlertRuleAction = serverAction({ role: 'admin', audit: 'alert.create', input: createAlertRuleInput }, (i, ctx) => createAlertRule(ctx, i));
export const updateAlertRuleAction = serverAction({ role: 'admin', audit: 'alert.update', input: updateAlertRuleInput }, (i, ctx) => updateAlertRule(ctx, i));
export const deleteAlertRuleAction = serverAction({ role: 'admin', audit: 'alert.delete', input: alertRuleIdInput }, (i, ctx) => deleteAlertRule(ctx, i));
export const testAlertRuleAction = serverAction({ role: 'admin', audit: 'alert.test', input: alertRuleIdInput }, (i, ctx) => testAlertRule(ctx, i));
