// Grants as an audit entry names them: one line each ("operator on main/billing-*"), bounded so an
// entry stays small whatever a record holds (at most 20 lines of at most 120 characters, then a count).
import { describeGrant, type Grant } from '@/lib/auth/scope';

const MAX_LINES = 20;
const MAX_LINE = 120;

export function grantsForAudit(grants: readonly Grant[]): string[] {
  const lines = grants.slice(0, MAX_LINES).map((g) => {
    const line = describeGrant(g);
    return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
  });
  return grants.length > MAX_LINES ? [...lines, `and ${grants.length - MAX_LINES} more`] : lines;
}
