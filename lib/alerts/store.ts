// Alert rules, their evaluation state and the history, in the console store (lib/store/console/alerts.ts).
import 'server-only';
import { z } from 'zod';
import { alertStore } from '@/lib/store/console/alerts';
import { alertKindSchema, alertRuleSchema, type AlertRule } from './rule';
import type { RuleState } from './evaluate-rule';

export const HISTORY_MAX_ENTRIES = 500;

function parseRule(raw: string): AlertRule | null {
  try {
    const parsed = alertRuleSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

let writes = 0;
/** Rule and state writes made by this process so far: lets a cache of derived answers notice them. */
export const alertWritesInThisProcess = (): number => writes;

export async function readRules(): Promise<AlertRule[]> {
  return (await alertStore().rules())
    .map(parseRule)
    .filter((r): r is AlertRule => r !== null)
    .sort((a, b) => a.createdAt - b.createdAt);
}

export async function readRule(id: string): Promise<AlertRule | null> {
  const raw = await alertStore().rule(id);
  return raw ? parseRule(raw) : null;
}

export async function writeRule(rule: AlertRule, opts: { resetState?: boolean } = {}): Promise<void> {
  writes += 1;
  await alertStore().saveRule(rule.id, JSON.stringify(rule), opts.resetState === true);
}

export async function removeRule(id: string): Promise<boolean> {
  writes += 1;
  return alertStore().removeRule(id);
}

export async function readStates(): Promise<Record<string, RuleState>> {
  const all = await alertStore().states();
  const out: Record<string, RuleState> = {};
  for (const [id, raw] of Object.entries(all)) {
    try {
      out[id] = JSON.parse(raw) as RuleState;
    } catch {
      /* a corrupt state starts over */
    }
  }
  return out;
}

/** Saves states of rules that still exist and drops the others (a rule deleted during an evaluation). */
export async function writeStates(states: Record<string, RuleState>, ruleIds: Set<string>, staleIds: string[]): Promise<void> {
  writes += 1;
  const entries = Object.entries(states).filter(([id]) => ruleIds.has(id));
  await alertStore().saveStates(entries.map(([id, s]) => [id, JSON.stringify(s)]), staleIds);
}

export const historyEntrySchema = z.object({
  at: z.number(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: alertKindSchema,
  type: z.enum(['firing', 'resolved', 'test']),
  /** "main/emails" or "main" ("main/emails/<scheduler id>" for schedule kinds) */
  target: z.string().nullable(),
  /** the target's connection and queue, as evaluated (entries of older versions have only `target`) */
  connection: z.string().optional(),
  queue: z.string().nullable().optional(),
  value: z.number().nullable(),
  /** what happened to the webhook: sent (with status), failed (with error), or suppressed and why */
  notification: z.object({
    outcome: z.enum(['sent', 'failed', 'suppressed']),
    status: z.number().nullable().optional(),
    error: z.string().nullable().optional(),
    reason: z.string().optional(),
  }),
  /** each channel's part of the notification (entries of older versions have none) */
  channels: z
    .array(z.object({ channelId: z.string(), name: z.string(), type: z.string(), outcome: z.enum(['sent', 'failed', 'skipped', 'suppressed']), status: z.number().nullable(), error: z.string().nullable(), reason: z.string().optional() }))
    .optional(),
  text: z.string(),
});
export type AlertHistoryEntry = z.infer<typeof historyEntrySchema>;

export async function appendHistory(entries: AlertHistoryEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await alertStore().appendHistory(entries.map((e) => JSON.stringify(e)), HISTORY_MAX_ENTRIES);
}

export async function readHistory(limit = 100, ruleId?: string, keep?: (entry: AlertHistoryEntry) => boolean): Promise<AlertHistoryEntry[]> {
  const raw = await alertStore().history(HISTORY_MAX_ENTRIES);
  const out: AlertHistoryEntry[] = [];
  for (const item of raw) {
    try {
      const parsed = historyEntrySchema.safeParse(JSON.parse(item));
      if (parsed.success && (!ruleId || parsed.data.ruleId === ruleId) && (!keep || keep(parsed.data))) out.push(parsed.data);
    } catch {
      /* skip */
    }
    if (out.length >= limit) break;
  }
  return out;
}
