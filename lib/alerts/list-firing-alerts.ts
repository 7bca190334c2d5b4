// The firing alerts, for the banner every signed-in user sees: only the rule's name, the target and
// since when (no condition, threshold or webhook — reading whole rules stays admin-only).
import 'server-only';
import type { FiringAlert, FiringAlerts } from './firing-alerts';
import { readRules, readStates } from './store';

export async function listFiringAlerts(): Promise<FiringAlerts> {
  const [rules, states] = await Promise.all([readRules(), readStates()]);
  const firing: FiringAlert[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    for (const target of Object.values(states[rule.id]?.targets ?? {})) {
      if (target.state === 'firing') firing.push({ rule: rule.name, connection: target.connection, queue: target.queue, since: target.since });
    }
  }
  return { firing: firing.sort((a, b) => a.since - b.since) };
}
