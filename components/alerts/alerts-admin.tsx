'use client';
// The Alerts page: rules with their live state, create/edit dialog, test notifications with the
// receiver's answer, and the history of firings, resolutions and tests. Admin only.
import { useState } from 'react';
import { useRunAction } from '@/components/ui/use-run-action';
import { useRouter } from 'next/navigation';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AlertRuleView } from '@/lib/alerts/list-alerts';
import type { AlertHistoryEntry } from '@/lib/alerts/store';
import { describeCondition, describeScope, formatAlertValue } from '@/lib/alerts/rule';
import { createAlertRuleAction, deleteAlertRuleAction, testAlertRuleAction, updateAlertRuleAction } from '@/app/actions';
import { fetchJson } from '@/components/explorer/api-client';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmFor } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { RelativeTime } from '@/components/ui/relative-time';
import { Table, TBody, THead, Td, Th, Tr } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { RuleDialog, type RulePrefill } from './rule-dialog';
import { ChannelsAdmin } from './channels-admin';
import type { PublicChannel } from '@/lib/alerts/channels/channel';
import { queryKeys } from '@/components/query-keys';

const REFRESH_MS = 5000;
const STATUS_TONE: Record<AlertRuleView['status'], BadgeTone> = { ok: 'green', pending: 'amber', firing: 'red', disabled: 'neutral' };
const HISTORY_TONE: Record<AlertHistoryEntry['type'], BadgeTone> = { firing: 'red', resolved: 'green', test: 'blue' };

type TestOutcome = { ok: boolean; text: string };

export function AlertsAdmin({
  initialRules,
  initialHistory,
  connections,
  channels = [],
  manageChannels = false,
  prefill = null,
}: {
  initialRules: AlertRuleView[];
  initialHistory: AlertHistoryEntry[];
  connections: string[];
  /** the paging channels (names and types only for a scoped admin) */
  channels?: PublicChannel[];
  /** a global admin: creates, edits, tests and deletes channels */
  manageChannels?: boolean;
  /** a new query-matches rule to open at once (from a view's "Alert on this query") */
  prefill?: RulePrefill | null;
}) {
  const router = useRouter();
  const toast = useToast();
  const queryClient = useQueryClient();
  const { run, pending } = useRunAction();
  const [editing, setEditing] = useState<AlertRuleView | 'new' | null>(prefill ? 'new' : null);
  const [deleting, setDeleting] = useState<AlertRuleView | null>(null);
  const [tests, setTests] = useState<Record<string, TestOutcome>>({});

  const rules = useQuery({
    queryKey: queryKeys.alertRules(),
    queryFn: () => fetchJson<{ rules: AlertRuleView[] }>('/api/v1/alerts').then((r) => r.rules),
    initialData: initialRules,
    refetchInterval: REFRESH_MS,
  }).data;
  const history = useQuery({
    queryKey: queryKeys.alertHistory(),
    queryFn: () => fetchJson<{ history: AlertHistoryEntry[] }>('/api/v1/alerts/history?limit=100').then((r) => r.history),
    initialData: initialHistory,
    refetchInterval: REFRESH_MS,
  }).data;

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: queryKeys.alerts() });
    router.refresh();
  };

  const toggle = (rule: AlertRuleView) =>
    run(() => updateAlertRuleAction({ params: { id: rule.id }, body: { enabled: rule.status === 'disabled' } }), {
      success: (data) => `${data.name} ${data.enabled ? 'enabled' : 'disabled'}`,
    });

  const sendTest = (rule: AlertRuleView) =>
    run(() => testAlertRuleAction({ params: { id: rule.id } }), {
      quiet: true,
      onDone: (res) => {
        const outcome: TestOutcome = res.ok
          ? { ok: res.data.ok, text: res.data.channels.length > 1 || !rule.webhookMasked ? res.data.message : res.data.ok ? `Delivered: HTTP ${res.data.status} in ${res.data.durationMs} ms` : `Failed: ${res.data.error}` }
          : { ok: false, text: res.error.message };
        setTests((prev) => ({ ...prev, [rule.id]: outcome }));
        if (outcome.ok) toast.success(`Test notification for ${rule.name}: ${outcome.text}`);
        else toast.error(`Test notification for ${rule.name}: ${outcome.text}`);
      },
    });

  return (
    <div className="max-w-6xl space-y-8">
      <section className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-lg font-semibold">Alerts</h1>
          <p className="text-sm text-zinc-500">Checked after every metrics sample (every 10 s) by one console instance; notifications go to each rule’s webhook and channels.</p>
          <Button className="ml-auto" variant="primary" onClick={() => setEditing('new')}>
            New rule
          </Button>
        </div>
        {rules.length === 0 ? (
          <EmptyState title="No alert rules">
            Create a rule to be told when a queue backs up, fails too often, has no workers, or when Redis stops answering.
          </EmptyState>
        ) : (
          <Table data-testid="alert-rules">
            <THead>
              <tr>
                <Th>Rule</Th>
                <Th>Condition</Th>
                <Th>Scope</Th>
                <Th>State</Th>
                <Th>Notifies</Th>
                <Th className="text-right">Actions</Th>
              </tr>
            </THead>
            <TBody>
              {rules.map((rule) => (
                <Tr key={rule.id} data-testid="alert-rule" data-rule-name={rule.name}>
                  <Td className="font-medium">{rule.name}</Td>
                  <Td className="text-xs">
                    {describeCondition(rule)}
                    {rule.cooldownMinutes > 0 && <span className="block text-zinc-500">cooldown {rule.cooldownMinutes} min</span>}
                  </Td>
                  <Td className="font-mono text-xs">{describeScope(rule)}</Td>
                  <Td className="text-xs">
                    <Badge tone={STATUS_TONE[rule.status]}>
                      <span data-testid="alert-state">{rule.status}</span>
                    </Badge>
                    {rule.status !== 'disabled' && rule.since && (
                      <span className="ml-1.5 text-zinc-500">
                        since <RelativeTime ms={rule.since} />
                      </span>
                    )}
                    {rule.status !== 'disabled' && rule.target && (
                      <span className="block text-zinc-500" data-testid="alert-value">
                        {rule.target}: {formatAlertValue(rule.kind, rule.value)}
                      </span>
                    )}
                    {rule.active.length > 1 && <span className="block text-zinc-500">{rule.active.length} targets not ok</span>}
                  </Td>
                  <Td className="text-xs">
                    {rule.webhookMasked && (
                      <>
                        <span className="font-mono">{rule.webhookMasked}</span>
                        <span className="block text-zinc-500">{rule.webhookFormat === 'slack' ? 'Slack' : 'JSON'}</span>
                      </>
                    )}
                    {(rule.channelIds ?? []).map((id) => (
                      <span key={id} className="block" data-testid="rule-channel">
                        {channels.find((c) => c.id === id)?.name ?? 'deleted channel'}
                      </span>
                    ))}
                    {tests[rule.id] && (
                      <span role="status" data-testid="test-result" className={tests[rule.id].ok ? 'block text-emerald-700 dark:text-emerald-400' : 'block text-red-600 dark:text-red-400'}>
                        {tests[rule.id].text}
                      </span>
                    )}
                  </Td>
                  <Td className="text-right whitespace-nowrap">
                    <span className="inline-flex gap-1">
                      <Button size="sm" disabled={pending} onClick={() => sendTest(rule)}>
                        Send test
                      </Button>
                      <Button size="sm" disabled={pending} onClick={() => toggle(rule)}>
                        {rule.status === 'disabled' ? 'Enable' : 'Disable'}
                      </Button>
                      <Button size="sm" onClick={() => setEditing(rule)}>
                        Edit
                      </Button>
                      <Button size="sm" variant="danger" disabled={pending} onClick={() => setDeleting(rule)}>
                        Delete
                      </Button>
                    </span>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </section>

      <ChannelsAdmin channels={channels} manage={manageChannels} />

      <section className="space-y-3">
        <h2 className="text-base font-semibold">History</h2>
        {history.length === 0 ? (
          <p className="text-sm text-zinc-500">Nothing yet: firings, resolutions and test notifications appear here (the last 500 are kept).</p>
        ) : (
          <Table data-testid="alert-history">
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Rule</Th>
                <Th>Event</Th>
                <Th>Message</Th>
                <Th>Notification</Th>
              </tr>
            </THead>
            <TBody>
              {history.map((h, i) => (
                <Tr key={`${h.at}-${h.ruleId}-${h.type}-${h.target}-${i}`} data-testid="alert-history-entry">
                  <Td className="text-xs whitespace-nowrap">
                    <RelativeTime ms={h.at} />
                  </Td>
                  <Td className="text-xs">{h.ruleName}</Td>
                  <Td>
                    <Badge tone={HISTORY_TONE[h.type]}>{h.type}</Badge>
                  </Td>
                  <Td className="text-xs">{h.text}</Td>
                  <Td className="text-xs">
                    {h.notification.outcome === 'sent' && <span className="text-emerald-700 dark:text-emerald-400">sent (HTTP {h.notification.status})</span>}
                    {h.notification.outcome === 'failed' && <span className="text-red-600 dark:text-red-400">failed: {h.notification.error}</span>}
                    {h.notification.outcome === 'suppressed' && <span className="text-zinc-500">not sent: {h.notification.reason}</span>}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </section>

      {editing && (
        <RuleDialog
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? null : editing}
          prefill={editing === 'new' ? prefill : null}
          connections={connections}
          channels={channels}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await refresh();
          }}
          save={(input) => (editing === 'new' ? createAlertRuleAction({ body: input }) : updateAlertRuleAction({ params: { id: editing.id }, body: input }))}
        />
      )}

      <ConfirmFor
        target={deleting}
        onClose={() => setDeleting(null)}
        title="Delete alert rule"
        confirmLabel="Delete rule"
        busy={pending}
        act={(rule) => run(() => deleteAlertRuleAction({ params: { id: rule.id } }), { success: () => `Deleted ${rule.name}` })}
      >
        <p>
          <strong>{deleting?.name}</strong> stops being checked and its state is forgotten. A firing alert gets no “resolved” message. Its history stays.
        </p>
      </ConfirmFor>
    </div>
  );
}
