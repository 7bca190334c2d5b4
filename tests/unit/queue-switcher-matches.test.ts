import { describe, expect, it } from 'vitest';
import { matchQueues, QUEUE_SWITCHER_MAX_MATCHES } from '@/components/shell/queue-matches';

const connections = [
  { name: 'default', queueNames: ['email', 'email-digest', 'billing', 'send-email', 'reports'] },
  { name: 'eu-email', queueNames: ['email', 'thumbnails'] },
];

describe('the queue switcher matches queue names', () => {
  it('by queue name only, ignoring case; names starting with the text first, then by name and connection', () => {
    const { matches, more } = matchQueues(connections, 'EMAIL');
    expect(matches.map((m) => `${m.connection}/${m.queue}`)).toEqual(['default/email', 'eu-email/email', 'default/email-digest', 'default/send-email']);
    expect(more).toBe(0);
    // "eu-email" is a connection name: it is not matched, its queues are (by their own names).
    expect(matchQueues(connections, 'eu-').matches).toEqual([]);
    expect(matchQueues(connections, 'thumb').matches).toEqual([{ connection: 'eu-email', queue: 'thumbnails' }]);
  });

  it('with no text lists every queue, by name', () => {
    expect(matchQueues(connections, '  ').matches.map((m) => m.queue)).toEqual(['billing', 'email', 'email', 'email-digest', 'reports', 'send-email', 'thumbnails']);
  });

  it(`renders at most ${QUEUE_SWITCHER_MAX_MATCHES} matches and counts the rest`, () => {
    const many = [{ name: 'default', queueNames: Array.from({ length: 5000 }, (_, i) => `q-${String(i).padStart(4, '0')}`) }];
    const all = matchQueues(many, 'q-');
    expect(all.matches).toHaveLength(QUEUE_SWITCHER_MAX_MATCHES);
    expect(all.more).toBe(5000 - QUEUE_SWITCHER_MAX_MATCHES);
    expect(all.matches[0].queue).toBe('q-0000');
    const narrowed = matchQueues(many, 'q-49');
    expect(narrowed.matches.map((m) => m.queue)).toEqual(Array.from({ length: 50 }, (_, i) => `q-49${String(i).padStart(2, '0')}`));
    expect(narrowed.more).toBe(50);
  });
});
