'use server';
// Server actions of the Alerts page (admin): each is an operation of the table (lib/operations/alerts.ts).
import { actionOf } from '@/lib/http/action';
import { alertOperations as ops } from '@/lib/operations/alerts';

export const createAlertRuleAction = actionOf(ops.createAlertRule);
export const updateAlertRuleAction = actionOf(ops.updateAlertRule);
export const deleteAlertRuleAction = actionOf(ops.deleteAlertRule);
export const testAlertRuleAction = actionOf(ops.testAlertRule);
