// Error groups: variable parts of a failedReason are masked, the rest stays readable.
import { describe, expect, it } from 'vitest';
import { errorGroupId, errorGroupOf, MAX_PATTERN_LENGTH, normalizeFailedReason } from '@/lib/dlq/normalize-error';
import { deadLetterId, envelopeJson, parseEnvelope, requeueOptions } from '@/lib/dlq/envelope';

describe('normalizeFailedReason', () => {
  it.each([
    ['connect ECONNREFUSED 10.0.0.17:5432', 'connect ECONNREFUSED 10.0.0.x:5432'],
    ['connect ECONNREFUSED 10.0.0.203:5432', 'connect ECONNREFUSED 10.0.0.x:5432'],
    ['order 8f14e45f-ceea-467f-a0e5-0b5a1a2b3c4d not found', 'order <uuid> not found'],
    ['order 8F14E45F-CEEA-467F-A0E5-0B5A1A2B3C4D not found', 'order <uuid> not found'],
    ['document 507f1f77bcf86cd799439011 is locked', 'document <hex> is locked'],
    ['bad pointer 0xdeadbeef', 'bad pointer <hex>'],
    ['user 123456 has no address', 'user # has no address'],
    ['timeout of 30000ms exceeded', 'timeout of #ms exceeded'],
    ['mailbox alice.smith+news@example.co.uk is full', 'mailbox <email> is full'],
    ['Unknown template variable "firstName"', 'Unknown template variable "…"'],
    ["can't open 'report-7.csv'", "can't open '…'"],
    ['value `x` is invalid', 'value `…` is invalid'],
    ['GET https://api.example.com/orders?id=42&sig=abc answered 503', 'GET https://api.example.com/orders?… answered 503'],
    ['deadline 2024-05-01T12:00:00.123Z passed', 'deadline <time> passed'],
    ['  multi\n  line\t error  ', 'multi line error'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeFailedReason(input)).toBe(expected);
  });

  it('keeps small numbers that tell failures apart (HTTP statuses, attempt numbers)', () => {
    expect(normalizeFailedReason('https://hooks.example.com/x answered HTTP 503: will retry')).toBe('https://hooks.example.com/x answered HTTP 503: will retry');
    expect(normalizeFailedReason('answered HTTP 404')).not.toBe(normalizeFailedReason('answered HTTP 500'));
  });

  it('names empty reasons and caps long ones', () => {
    expect(normalizeFailedReason('')).toBe('(no error message)');
    expect(normalizeFailedReason(null)).toBe('(no error message)');
    const long = normalizeFailedReason('boom '.repeat(500));
    expect(long.length).toBe(MAX_PATTERN_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });

  it('puts failures that differ only in masked parts into one group', () => {
    const a = errorGroupOf('connect ECONNREFUSED 10.0.0.17:5432 (request 8f14e45f-ceea-467f-a0e5-0b5a1a2b3c4d)');
    const b = errorGroupOf('connect ECONNREFUSED 10.0.0.99:5432 (request 1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed)');
    const c = errorGroupOf('connect ECONNREFUSED 10.0.0.17:6379 (request 8f14e45f-ceea-467f-a0e5-0b5a1a2b3c4d)');
    expect(a).toEqual(b);
    expect(a.id).not.toBe(c.id);
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(errorGroupId(a.pattern)).toBe(a.id);
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
