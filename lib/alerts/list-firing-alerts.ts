// The firing alerts, for the banner every signed-in user sees: only the rule's name, the target and
// since when (no condition, threshold or webhook — reading whole rules stays admin-only).
import 'server-only';
import { FIRING_LISTED_MAX, type FiringAlert, type FiringAlerts } from './firing-alerts';
import { alertWritesInThisProcess, readRules, readStates } from './store';
import { isUnscoped, type Access } from '@/lib/auth/scope';
import { maySeeTarget } from './rule-scope';

/**
 * Every signed-in tab polls this every 10 s: one computation per process serves all of them for up to
 * 5 s, or until this process writes a rule or a state (another replica's writes show within 5 s).
 */
const CACHE_MS = 5_000;
let cached: { at: number; writes: number; value: Promise<FiringAlert[]> } | null = null;

/**
 * `access`: the caller's; with grants, only alerts of queues it may see (and connection-wide ones of
 * connections where it sees some queue) are listed and counted (README › Team scopes).
 */
export async function listFiringAlerts(access?: Access): Promise<FiringAlerts> {
  const all = await everyFiringAlert();
  // Oldest first already: the caller's share, then the listed ones.
  const firing = access && !isUnscoped(access) ? all.filter((f) => maySeeTarget(access, f.connection, f.queue)) : all;
  return { total: firing.length, firing: firing.slice(0, FIRING_LISTED_MAX) };
}

function everyFiringAlert(): Promise<FiringAlert[]> {
  if (cached && Date.now() - cached.at < CACHE_MS && cached.writes === alertWritesInThisProcess()) return cached.value;
  const value = computeFiringAlerts();
  cached = { at: Date.now(), writes: alertWritesInThisProcess(), value };
  value.catch(() => {
    if (cached?.value === value) cached = null; // a failure is not kept
  });
  return value;
}

async function computeFiringAlerts(): Promise<FiringAlert[]> {
  const [rules, states] = await Promise.all([readRules(), readStates()]);
  const firing: FiringAlert[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    for (const target of Object.values(states[rule.id]?.targets ?? {})) {
      if (target.state === 'firing') firing.push({ rule: rule.name, connection: target.connection, queue: target.queue, since: target.since });
    }
  }
  // A rule without a queue fires per queue: during an outage that can be thousands of targets (each a
  // few short strings, kept for CACHE_MS; every caller's answer is cut to FIRING_LISTED_MAX).
  return firing.sort((a, b) => a.since - b.since);
}
