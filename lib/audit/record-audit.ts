// Appends to the capped audit log. Every entry is bounded (≤ AUDIT_MAX_ENTRY_BYTES, whatever the
// caller sent) and every outcome but a change made (refusals, and calls that failed and changed
// nothing) is aggregated per (actor, action, outcome) and window, so a flood of
// cheap denied calls costs one entry per window instead of evicting real entries.
import 'server-only';
import { createHash } from 'node:crypto';
import { logger } from '@/lib/log';
import { auditStore } from '@/lib/store/console/audit';
import type { NewAuditEntry } from './audit-entry';

/** Entries kept (approximately: the oldest go in batches); DROVER_AUDIT_MAX_ENTRIES overrides it. */
export function auditMaxEntries(): number {
  const n = Number(process.env.DROVER_AUDIT_MAX_ENTRIES);
  return Number.isInteger(n) && n >= 1000 ? n : 100_000;
}
/** No entry is larger than this (UTF-8 bytes of its JSON). */
export const AUDIT_MAX_ENTRY_BYTES = 1024;
/** Refusals of one actor and action within this window share one entry (count, first and last seen). */
export const AUDIT_AGGREGATE_WINDOW_MS = 10 * 60 * 1000;

const SECRET_PARAM = /pass(word)?|secret|token|authorization|cookie/i;

type Tier = { text: number; param: number; params: number; ids: number; id: number };
/** Tried in order until the entry fits: generous first, then tighter. */
const TIERS: Tier[] = [
  { text: 300, param: 200, params: 16, ids: 20, id: 100 },
  { text: 160, param: 60, params: 8, ids: 5, id: 60 },
  { text: 80, param: 0, params: 0, ids: 1, id: 40 },
];

function clip(s: string | undefined, max: number): string | undefined {
  if (s === undefined) return undefined;
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Parameters without secrets, each value capped so a huge payload cannot bloat the log. */
export function sanitizeParams(params: Record<string, unknown> | undefined, tier: Tier = TIERS[0]): Record<string, unknown> | undefined {
  if (!params || tier.params === 0) return undefined;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(params).filter((k) => params[k] !== undefined);
  for (const key of keys.slice(0, tier.params)) {
    const name = clip(key, 40)!;
    if (SECRET_PARAM.test(key)) {
      out[name] = '[redacted]';
      continue;
    }
    const value = params[key];
    const json = JSON.stringify(value) ?? 'null';
    out[name] = json.length > tier.param ? `${json.slice(0, tier.param)}… (${json.length} chars)` : value;
  }
  if (keys.length > tier.params) out['…'] = `${keys.length - tier.params} more parameters`;
  return out;
}

/** The entry as stored: every field clipped, lists capped, the whole ≤ AUDIT_MAX_ENTRY_BYTES. */
export function boundAuditEntry(entry: NewAuditEntry, ts: number): string {
  for (const tier of TIERS) {
    const jobIds = entry.jobIds?.slice(0, tier.ids).map((id) => clip(id, tier.id)!);
    const json = JSON.stringify({
      actor: clip(entry.actor, 254),
      role: clip(entry.role, 20),
      via: entry.via,
      action: clip(entry.action, 100),
      connection: clip(entry.connection, 100),
      queue: clip(entry.queue, tier.id * 2),
      jobIds,
      count: entry.count ?? entry.jobIds?.length,
      params: sanitizeParams(entry.params, tier),
      outcome: entry.outcome,
      message: clip(entry.message, tier.text),
      ts,
    });
    if (Buffer.byteLength(json) <= AUDIT_MAX_ENTRY_BYTES) return json;
  }
  // Only multi-byte text can get here: keep who, what and the outcome.
  return JSON.stringify({ actor: clip(entry.actor, 100), role: clip(entry.role, 20), via: entry.via, action: clip(entry.action, 60), outcome: entry.outcome, message: 'entry shortened to fit the audit bound', ts });
}

function aggregationDigest(entry: NewAuditEntry): string {
  return createHash('sha256').update(`${entry.actor}\u0000${entry.action}\u0000${entry.outcome}`).digest('hex').slice(0, 32);
}

/** Records an entry; returns its id and how many calls it stands for (all but `ok` aggregate). */
export async function recordAudit(entry: NewAuditEntry): Promise<{ id: string; count: number }> {
  const ts = Date.now();
  const json = boundAuditEntry(entry, ts);
  // Only a change that happened gets an entry of its own every time.
  const aggregate = entry.outcome !== 'ok';
  try {
    return await auditStore().append({
      json,
      ts,
      aggregateDigest: aggregate ? aggregationDigest(entry) : null,
      windowMs: AUDIT_AGGREGATE_WINDOW_MS,
      maxEntries: auditMaxEntries(),
    });
  } catch (err) {
    // Never lose the record silently: it goes to the process log when the store refuses it.
    logger.error({ event: 'audit.write_failed', audit: JSON.parse(json), err: (err as Error).message }, 'audit entry could not be written');
    throw err;
  }
}
