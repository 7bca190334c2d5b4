import { describe, expect, it } from 'vitest';
import { linkTemplateSchema, linkTemplatesSchema, templateUrlProblem, LINK_LIMITS } from '@/lib/links/link-template';
import { missingReason, renderLink, type LinkFacts } from '@/lib/links/render-links';
import { configQueueLinks } from '@/lib/links/get-links';
import type { Connection } from '@/lib/redis/connections';
import { parseTraceparent, traceOf } from '@/lib/links/trace-context';

const facts: LinkFacts = {
  connection: 'default', queue: 'q/a?b#c&d', id: 'order 42', name: 'send', timestamp: 1_700_000_000_000, processedOn: 1_700_000_001_000,
  finishedOn: null, attempt: 1, processedBy: null, traceId: null, spanId: null,
};
const where = { scope: 'queue', source: 'console' } as const;

describe('link template validation', () => {
  it('accepts http and https templates with variables in the path, query and fragment', () => {
    expect(templateUrlProblem('https://logs.example.com/search?q=job:{queue}/{id}&from={processedOn}')).toBeNull();
    expect(templateUrlProblem('http://jaeger:16686/trace/{traceId}#{spanId}')).toBeNull();
    expect(templateUrlProblem('https://x.example/{processedOn:iso}')).toBeNull();
  });
  it('refuses other schemes', () => {
    expect(templateUrlProblem('javascript:alert(1)//{id}')).toMatch(/http:\/\/ or https:\/\//);
    expect(templateUrlProblem('data:text/html,<b>{id}</b>')).toMatch(/http:\/\/ or https:\/\//);
    expect(templateUrlProblem(' https://x.example/')).toMatch(/spaces/);
    expect(templateUrlProblem('ftp://x.example/{id}')).toMatch(/http/);
  });
  it('refuses a variable in the host, port or user', () => {
    expect(templateUrlProblem('https://{queue}.example.com/')).toMatch(/only after the host/);
    expect(templateUrlProblem('https://logs.example.com:{id}/')).toMatch(/only after the host/);
    expect(templateUrlProblem('https://{name}@logs.example.com/')).toMatch(/only after the host/);
    expect(templateUrlProblem('https:///{id}')).toMatch(/host/);
  });
  it('names unknown variables', () => {
    expect(templateUrlProblem('https://x.example/{queue}/{data.secret}/{foo}')).toMatch(/unknown variables \{data\.secret\}, \{foo\}/);
    expect(templateUrlProblem('https://x.example/{name:iso}')).toMatch(/unknown variable \{name:iso\}/);
    expect(templateUrlProblem('https://x.example/{id')).toMatch(/"\{" or "\}"/);
  });
  it('names at most 5 unknown variables, each cut to 40 characters (a refusal is audited; a URL may hold a secret)', () => {
    const secret = `s3cr3t-${'k'.repeat(100)}`;
    const problem = templateUrlProblem(`https://x.example/?sig={${secret}}&{a}&{b}&{c}&{d}&{e}&{f}`)!;
    expect(problem).not.toContain(secret);
    expect(problem).toContain(`{${secret.slice(0, 40)}…}`);
    expect(problem).toMatch(/\{d\} and 2 more \(known:/);
  });
  it('bounds label, URL and count', () => {
    expect(linkTemplateSchema.safeParse({ label: 'x'.repeat(41), url: 'https://x.example/' }).success).toBe(false);
    expect(linkTemplateSchema.safeParse({ label: 'Logs', url: `https://x.example/${'a'.repeat(LINK_LIMITS.urlMaxChars)}` }).success).toBe(false);
    expect(linkTemplateSchema.safeParse({ label: '', url: 'https://x.example/' }).success).toBe(false);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ label: `L${i}`, url: 'https://x.example/' }));
    expect(linkTemplatesSchema.safeParse(eleven).success).toBe(false);
    expect(linkTemplatesSchema.safeParse(eleven.slice(1)).success).toBe(true);
  });
});

describe('rendering', () => {
  it('URL-encodes every value (/ ? # & and spaces)', () => {
    const link = renderLink({ label: 'Logs', url: 'https://logs.example.com/search?q=job:{queue}/{id}&from={processedOn}#{name}' }, facts, where);
    expect(link.href).toBe('https://logs.example.com/search?q=job:q%2Fa%3Fb%23c%26d/order%2042&from=1700000001000#send');
    expect(new URL(link.href!).host).toBe('logs.example.com');
    expect(link.missing).toEqual([]);
  });
  it('renders ISO times', () => {
    expect(renderLink({ label: 'T', url: 'https://x.example/?t={timestamp:iso}' }, facts, where).href).toBe('https://x.example/?t=2023-11-14T22%3A13%3A20.000Z');
  });
  it('disables a link whose variable has no value, naming it', () => {
    const link = renderLink({ label: 'Trace', url: 'https://jaeger.example/trace/{traceId}?end={finishedOn}' }, facts, where);
    expect(link.href).toBeNull();
    expect(link.missing).toEqual(['traceId', 'finishedOn']);
  });
});

describe('values that would climb the path', () => {
  it('offers no link when a value makes a "." or ".." segment, alone or with its neighbour', () => {
    const at = (over: Partial<LinkFacts>, url = 'https://admin.example.com/invoices/{id}/edit') => renderLink({ label: 'Edit', url }, { ...facts, ...over }, where);
    for (const id of ['..', '.']) {
      const link = at({ id });
      expect(link.href, id).toBeNull();
      expect(missingReason(link)).toMatch(/^Not offered: a value of this job would change the link’s path/);
    }
    expect(at({ queue: '.', id: '.' }, 'https://x.example/{queue}{id}/x').href).toBeNull();
    // Dots inside a segment, or in the query and fragment, are just characters.
    expect(at({ id: '..a' }).href).toBe('https://admin.example.com/invoices/..a/edit');
    expect(at({ id: '..' }, 'https://x.example/search?q={id}#{id}').href).toBe('https://x.example/search?q=..#..');
  });
});

describe('config links of queues named like object properties', () => {
  it('a queue named constructor, __proto__ or toString has no config links (and no crash)', () => {
    const conn = (queueLinks: Record<string, unknown> | undefined) => ({ config: { queueLinks } }) as unknown as Connection;
    const byQueue = JSON.parse('{"orders":[{"label":"A","url":"https://a.example/{id}"}]}');
    for (const queue of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(configQueueLinks(conn(byQueue), queue), queue).toEqual([]);
      expect(configQueueLinks(conn(undefined), queue), queue).toEqual([]);
    }
    expect(configQueueLinks(conn(byQueue), 'orders')).toEqual([{ label: 'A', url: 'https://a.example/{id}' }]);
  });
});

describe('trace context', () => {
  it('has no trace, and no failure, for options stored as null or not an object', () => {
    expect(traceOf(null)).toBeNull();
    expect(traceOf(undefined)).toBeNull();
    expect(traceOf('x' as unknown as Record<string, unknown>)).toBeNull();
  });
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  it('parses a W3C traceparent', () => {
    expect(parseTraceparent(tp)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBeNull();
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7')).toBeNull();
    expect(parseTraceparent('garbage')).toBeNull();
  });
  it('reads the carrier from opts "tm" (stored) or telemetry.metadata (decoded), string or object', () => {
    expect(traceOf({ tm: JSON.stringify({ traceparent: tp }) })?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceOf({ telemetry: { metadata: JSON.stringify({ traceparent: tp }) } })?.spanId).toBe('00f067aa0ba902b7');
    expect(traceOf({ tm: { traceparent: tp } })?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceOf({ tm: 'not json' })).toBeNull();
    expect(traceOf({})).toBeNull();
  });
});

describe('links in the config file', () => {
  it('are read with their defaults and refused naming the field when bad', async () => {
    const { parseConfig } = await import('@/lib/config/load-config');
    const ok = parseConfig({ connections: [{ name: 'main', url: 'redis://localhost:6379', links: [{ label: 'Logs', url: 'https://logs.example.com/{queue}/{id}' }], queueLinks: { mail: [{ label: 'Trace', url: 'https://t.example.com/{traceId}' }] } }] }, 'test');
    expect(ok.connections[0].links).toHaveLength(1);
    expect(ok.connections[0].queueLinks.mail[0].label).toBe('Trace');
    expect(parseConfig({ connections: [{ name: 'main', url: 'redis://localhost:6379' }] }, 'test').connections[0]).toMatchObject({ links: [], queueLinks: {} });
    expect(() => parseConfig({ connections: [{ name: 'main', url: 'redis://x', links: [{ label: 'L', url: 'https://{queue}.example.com/' }] }] }, 't')).toThrowError(/connections\[0\]\.links\[0\]\.url: variables are allowed only after the host/);
    expect(() => parseConfig({ connections: [{ name: 'main', url: 'redis://x', queueLinks: { mail: [{ label: 'L', url: 'javascript:alert(1)' }] } }] }, 't')).toThrowError(/queueLinks\.mail\[0\]\.url: must start with http/);
  });
});
