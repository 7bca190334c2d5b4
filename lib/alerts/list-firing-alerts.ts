// The firing alerts, for the banner every signed-in user sees: only the rule's name, the target and
// since when (no condition, threshold or webhook — reading whole rules stays admin-only).
import 'server-only';
import { FIRING_LISTED_MAX, type FiringAlert, type FiringAlerts } from './firing-alerts';
import { alertWritesInThisProcess, readRules, readStates } from './store';

/**
 * Every signed-in tab polls this every 10 s: one computation per process serves all of them for up to
 * 5 s, or until this process writes a rule or a state (another replica's writes show within 5 s).
 */
const CACHE_MS = 5_000;
let cached: { at: number; writes: number; value: Promise<FiringAlerts> } | null = null;

export function listFiringAlerts(): Promise<FiringAlerts> {
  if (cached && Date.now() - cached.at < CACHE_MS && cached.writes === alertWritesInThisProcess()) return cached.value;
  const value = computeFiringAlerts();
  cached = { at: Date.now(), writes: alertWritesInThisProcess(), value };
  value.catch(() => {
    if (cached?.value === value) cached = null; // a failure is not kept
  });
  return value;
}

async function computeFiringAlerts(): Promise<FiringAlerts> {
  const [rules, states] = await Promise.all([readRules(), readStates()]);
  const firing: FiringAlert[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    for (const target of Object.values(states[rule.id]?.targets ?? {})) {
      if (target.state === 'firing') firing.push({ rule: rule.name, connection: target.connection, queue: target.queue, since: target.since });
    }
  }
  // A rule without a queue fires per queue: during an outage that can be thousands of targets.
  return { total: firing.length, firing: firing.sort((a, b) => a.since - b.since).slice(0, FIRING_LISTED_MAX) };
}
