// Every Redis key the console itself owns. All start with "drover:" and live in the console connection
// unless marked per-connection. Type and retention are listed next to each key.

export const KEYS = {
  /** hash email → user JSON {email, role, passwordHash, createdAt, …}. Kept until removed. */
  users: 'drover:users',
  /** hash sha256(token) → API token JSON {id, name, role, createdBy, createdAt}. Kept until revoked. */
  apiTokens: 'drover:api-tokens',
  /** hash token id → sha256(token), to revoke by id. Kept until revoked. */
  apiTokenIds: 'drover:api-token-ids',
  /** zset of failure timestamps per client IP; expires 15 min after the last failure. */
  signinFailuresByIp: (ip: string) => `drover:signin-failures:ip:${ip}`,
  /** zset of failure timestamps per account; expires 15 min after the last failure. */
  signinFailuresByAccount: (email: string) => `drover:signin-failures:account:${email}`,
  /** stream of audit entries, capped at ~100k entries (XADD MAXLEN ~). */
  audit: 'drover:audit',
} as const;
