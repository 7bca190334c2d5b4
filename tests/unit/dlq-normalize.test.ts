// Error groups: variable parts of a failedReason are masked, the rest stays readable.
import { describe, expect, it } from 'vitest';
import { errorGroupId, errorGroupOf, MAX_INPUT_LENGTH, MAX_PATTERN_LENGTH, normalizeFailedReason } from '@/lib/dlq/normalize-error';
import { deadLetterId, envelopeJson, parseEnvelope, requeueOptions } from '@/lib/dlq/envelope';

describe('normalizeFailedReason', () => {
  it.each([
    // Addresses: the host is masked, the port names the service and stays.
    ['connect ECONNREFUSED 10.0.0.5:5432', 'connect ECONNREFUSED <ip>:5432'],
    ['connect ECONNREFUSED 10.0.0.203:5432', 'connect ECONNREFUSED <ip>:5432'],
    ['connect ECONNREFUSED ::1:6379', 'connect ECONNREFUSED <ip>:6379'],
    ['connect ECONNREFUSED [2001:db8::17]:6379', 'connect ECONNREFUSED <ip>:6379'],
    ['connect EHOSTUNREACH fe80::1ff:fe23:4567:890a', 'connect EHOSTUNREACH <ip>'],
    ['connect ETIMEDOUT redis-1.cache.internal:6379', 'connect ETIMEDOUT <host>:6379'],
    ['connect ECONNREFUSED localhost:5432', 'connect ECONNREFUSED <host>:5432'],
    ['getaddrinfo ENOTFOUND db-7.prod.example.com', 'getaddrinfo ENOTFOUND <host>'],
    ['getaddrinfo EAI_AGAIN api.stripe.com', 'getaddrinfo EAI_AGAIN <host>'],
    // URLs, whole (their query strings and ids with them); the HTTP status stays.
    ['HTTP 503 from https://api.example.com/v1/x?id=7', 'HTTP 503 from <url>'],
    ['https://hooks.example.com/x answered HTTP 503: will retry', '<url> answered HTTP 503: will retry'],
    ['GET https://api.example.com/orders?id=42&sig=abc answered 503', 'GET <url> answered <n>'],
    ['Request failed with status code 502 (see https://status.example.com/incidents/88).', 'Request failed with status code 502 (see <url>).'],
    ['cannot reach redis://:s3cret@10.1.2.3:6379/0', 'cannot reach <url>'],
    // File paths, POSIX and Windows, quoted or not.
    ['source file /srv/uploads/2024/missing-a.png does not exist', 'source file <path> does not exist'],
    ["ENOENT: no such file or directory, open '/var/data/in/report-17.csv'", "ENOENT: no such file or directory, open '<path>'"],
    ['EACCES: permission denied, mkdir "/home/app/.cache/x"', 'EACCES: permission denied, mkdir "<path>"'],
    ["EPERM: operation not permitted, unlink 'C:\\Users\\ann\\AppData\\Local\\Temp\\x-17.tmp'", "EPERM: operation not permitted, unlink '<path>'"],
    ['C:\\data\\in\\a.png not found', '<path> not found'],
    ['cannot open \\\\fs01\\share\\exports\\q3.xlsx', 'cannot open <path>'],
    ['template emails/welcome-v2.html is missing', 'template <path> is missing'],
    ['cannot load ./config/local.json', 'cannot load <path>'],
    ['<script>alert(1)</script> and/or 50/50', '<script>alert(<n>)</script> and/or <n>/<n>'],
    // Numbers of any length; words with digits in them (utf8, S3, v2) stay.
    ['user 42 has no address', 'user <n> has no address'],
    ['user 123456 has no address', 'user <n> has no address'],
    ['timeout of 30000ms exceeded', 'timeout of <n>ms exceeded'],
    ['Job 17 failed after 3 attempts (1.5 s)', 'Job <n> failed after <n> attempts (<n> s)'],
    ['S3 upload failed: utf8 decode error in v2 API', 'S3 upload failed: utf8 decode error in v2 API'],
    // Ids.
    ['order 8f14e45f-ceea-467f-a0e5-0b5a1a2b3c4d not found', 'order <uuid> not found'],
    ['order 8F14E45F-CEEA-467F-A0E5-0B5A1A2B3C4D not found', 'order <uuid> not found'],
    ['document 507f1f77bcf86cd799439011 is locked', 'document <hex> is locked'],
    ['bad pointer 0xdeadbeef', 'bad pointer <hex>'],
    ['mailbox alice.smith+news@example.co.uk is full', 'mailbox <email> is full'],
    ['deadline 2024-05-01T12:00:00.123Z passed', 'deadline <time> passed'],
    // Quoted values.
    ['Unknown template variable "firstName"', 'Unknown template variable "…"'],
    ["can't open 'report-7.csv'", "can't open '…'"],
    ['value `x` is invalid', 'value `…` is invalid'],
    // PostgreSQL.
    ['duplicate key value violates unique constraint "orders_pkey"', 'duplicate key value violates unique constraint "…"'],
    ['Key (id)=(42) already exists.', 'Key (id)=(<n>) already exists.'],
    ['password authentication failed for user "app"', 'password authentication failed for user "…"'],
    ['canceling statement due to statement timeout', 'canceling statement due to statement timeout'],
    // Redis.
    ['MOVED 3999 10.0.0.7:6381', 'MOVED <n> <ip>:6381'],
    ["OOM command not allowed when used memory > 'maxmemory'.", "OOM command not allowed when used memory > '…'."],
    ["READONLY You can't write against a read only replica.", "READONLY You can't write against a read only replica."],
    // Stack-trace-like text (whitespace collapsed, locations masked).
    [
      "TypeError: Cannot read properties of undefined (reading 'id')\n    at processJob (/app/dist/workers/email.js:42:17)\n    at async Worker.run (/app/node_modules/bullmq/dist/cjs/classes/worker.js:455:24)",
      "TypeError: Cannot read properties of undefined (reading '…') at processJob (<path>) at async Worker.run (<path>)",
    ],
    ['  multi\n  line\t error  ', 'multi line error'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeFailedReason(input)).toBe(expected);
  });

  it('keeps HTTP statuses and ports apart: they tell different failures apart', () => {
    expect(normalizeFailedReason('answered HTTP 404')).not.toBe(normalizeFailedReason('answered HTTP 500'));
    expect(normalizeFailedReason('Request failed with status code 404')).not.toBe(normalizeFailedReason('Request failed with status code 500'));
    expect(normalizeFailedReason('connect ECONNREFUSED 10.0.0.5:5432')).not.toBe(normalizeFailedReason('connect ECONNREFUSED 10.0.0.5:6379'));
  });

  it('names empty reasons and caps long ones', () => {
    expect(normalizeFailedReason('')).toBe('(no error message)');
    expect(normalizeFailedReason(null)).toBe('(no error message)');
    const long = normalizeFailedReason('boom '.repeat(500));
    expect(long.length).toBe(MAX_PATTERN_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });

  it.each([
    ['paths', 'source file /srv/uploads/missing-a.png does not exist', 'source file /srv/uploads/missing-b.png does not exist'],
    ['Windows paths', "EPERM: unlink 'C:\\Temp\\a-1.tmp'", "EPERM: unlink 'D:\\work\\b.tmp'"],
    ['URLs', 'HTTP 503 from https://api.example.com/v1/x?id=7', 'HTTP 503 from https://api.other.org/v2/y'],
    ['hosts', 'connect ETIMEDOUT pg-a.internal:5432', 'connect ETIMEDOUT pg-b.internal:5432'],
    ['IPv4 and IPv6', 'connect ECONNREFUSED 10.0.0.5:5432', 'connect ECONNREFUSED [::1]:5432'],
    ['short numbers', 'item 7 rejected', 'item 123 rejected'],
    ['stack locations', 'boom at run (/app/a.js:1:2)', 'boom at run (/app/a.js:10:20)'],
    ['quoted names', 'relation "orders" does not exist', 'relation "refunds" does not exist'],
    ['e-mails', 'mailbox a@x.io is full', 'mailbox bob.smith@mail.example.com is full'],
  ])('puts failures that differ only in %s into one group', (_what, a, b) => {
    expect(errorGroupOf(a)).toEqual(errorGroupOf(b));
  });

  it('puts failures that differ only in masked parts into one group, and others apart', () => {
    const a = errorGroupOf('connect ECONNREFUSED 10.0.0.17:5432 (request 8f14e45f-ceea-467f-a0e5-0b5a1a2b3c4d)');
    const b = errorGroupOf('connect ECONNREFUSED 10.0.0.99:5432 (request 1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed)');
    const c = errorGroupOf('connect ECONNREFUSED 10.0.0.17:6379 (request 8f14e45f-ceea-467f-a0e5-0b5a1a2b3c4d)');
    expect(a).toEqual(b);
    expect(a.id).not.toBe(c.id);
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(errorGroupId(a.pattern)).toBe(a.id);
  });

  it('stays fast on hostile text shaped to make each rule backtrack', () => {
    const n = MAX_INPUT_LENGTH * 2;
    const hostile = [
      'a'.repeat(n),
      '1'.repeat(n),
      '1.'.repeat(n),
      'a.'.repeat(n),
      'a-'.repeat(n),
      '/a'.repeat(n),
      '!/'.repeat(n),
      'a/'.repeat(n),
      '\\a'.repeat(n),
      'C:\\'.repeat(n),
      '"'.repeat(n),
      '"\\'.repeat(n),
      "'a".repeat(n),
      '`'.repeat(n),
      'a@'.repeat(n),
      'a@a.'.repeat(n),
      ':'.repeat(n),
      'a:'.repeat(n),
      '1:'.repeat(n),
      'f:'.repeat(n),
      '::f'.repeat(n),
      '[:'.repeat(n),
      'http://'.repeat(n),
      'https://a'.repeat(n),
      '0x'.repeat(n),
      'deadbeef1'.repeat(n),
      '2024-05-01T'.repeat(n),
      'HTTP '.repeat(n),
      'ENOTFOUND '.repeat(n),
      'x.y:'.repeat(n),
    ];
    const started = performance.now();
    for (const text of hostile) {
      const out = normalizeFailedReason(text);
      expect(out.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    }
    // Linear rules over at most MAX_INPUT_LENGTH characters: well under a millisecond each on a quiet
    // machine; the bound leaves room for a busy one, while one backtracking rule would take seconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('envelope', () => {
  it('derives the dead-letter id from queue, job id, attempts made and creation time', () => {
    const t = 1_700_000_000_000;
    expect(deadLetterId('webhook', '42', 3, t)).toBe(deadLetterId('webhook', '42', 3, t));
    expect(deadLetterId('webhook', '42', 3, t)).toMatch(/^dl-[0-9a-f]{32}$/);
    expect(deadLetterId('webhook', '42', 4, t)).not.toBe(deadLetterId('webhook', '42', 3, t));
    // A custom id reused after removal fails as a new job: a new dead letter.
    expect(deadLetterId('orders', 'order-42', 6, t + 1)).not.toBe(deadLetterId('orders', 'order-42', 6, t));
    // No ambiguity whatever the separators in names and ids.
    expect(deadLetterId('a', 'b:c', 1, t)).not.toBe(deadLetterId('a:b', 'c', 1, t));
    expect(deadLetterId('a', 'b\0c', 1, t)).not.toBe(deadLetterId('a\0b', 'c', 1, t));
  });

  it('splices the stored data text in and parses back to the same values', () => {
    const facts = {
      queue: 'webhook',
      jobId: 'order:7',
      name: 'deliver',
      dataJson: JSON.stringify({ url: 'https://x.test', payload: { n: 1, s: '<script>' } }),
      opts: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
      failedReason: 'boom "x"',
      stacktrace: ['Error: boom\n    at a', 'Error: boom\n    at b'],
      attemptsMade: 3,
      attemptsStarted: 3,
      timestamp: 1,
      processedOn: 2,
      failedAt: 3,
      processedBy: 'drover@h:1',
    };
    const envelope = parseEnvelope(envelopeJson(facts, 4, 'runtime:drover@h:1'));
    expect(envelope).toEqual({
      v: 1, queue: 'webhook', jobId: 'order:7', name: 'deliver', data: JSON.parse(facts.dataJson), opts: facts.opts, failedReason: 'boom "x"',
      stacktrace: facts.stacktrace, attemptsMade: 3, attemptsStarted: 3, timestamp: 1, processedOn: 2, failedAt: 3, processedBy: 'drover@h:1',
      capturedAt: 4, capturedBy: 'runtime:drover@h:1',
    });
    // Data that is not JSON (a hand-written hash) is kept as a string rather than breaking the envelope.
    expect(parseEnvelope(envelopeJson({ ...facts, dataJson: 'not json' }, 4, 'x')).data).toBe('not json');
  });

  it('requeues with the origin options minus identity, scheduling and flow links', () => {
    expect(requeueOptions({ jobId: 'x', attempts: 3, backoff: { type: 'fixed' }, repeatJobKey: 'r', deduplication: { id: 'd' }, parent: { id: 'p' }, delay: 50, priority: 2 })).toEqual({
      attempts: 3,
      backoff: { type: 'fixed' },
      priority: 2,
    });
  });
});
