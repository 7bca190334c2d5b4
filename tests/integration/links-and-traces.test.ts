// Links out and trace ids on both stores: templates set through the operations (HTTP handlers, as the
// API answers them) and read back, rendered on job.get with every value encoded; a job added through
// BullMQ with telemetry metadata shows its trace id; refusals (a viewer setting links, a bad template)
// answer precisely and are audited. The console's own data is on the store under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { STORE_KINDS, startTestStore, type TestStore } from '../helpers/stores';
import { configureConnections, ctxAs } from '../helpers/console-env';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { getJob } from '@/lib/jobs/get-job';
import { KEYS } from '@/lib/keys';
import * as queueLinksRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/links/route';
import * as connectionLinksRoute from '@/app/api/v1/connections/[conn]/links/route';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;
const admin = ctxAs('admin', 'boss@test');

describe.each(STORE_KINDS)('links out and traces on %s', (kind) => {
  let store: TestStore;
  let adminToken: string;
  let viewerToken: string;

  beforeAll(async () => {
    store = await startTestStore(kind);
    await configureConnections([
      { name: 'console', url: kind === 'redis' ? store.consoleUrl : store.connection.url },
      {
        name: 'main',
        ...store.connection,
        links: [{ label: 'Config logs', url: 'https://logs.example.com/q?job={queue}/{id}' }],
        queueLinks: { orders: [{ label: 'Orders admin', url: 'https://admin.example.com/orders/{id}#{name}' }] },
        // Links are set only on queues that exist: "orders" is named here before it has jobs.
        queues: ['orders'],
      },
    ]);
    adminToken = (await issueApiToken(admin, { name: 'links-admin', role: 'admin' })).token;
    viewerToken = (await issueApiToken(admin, { name: 'links-viewer', role: 'viewer' })).token;
  });
  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  const queueUrl = 'http://console.test/api/v1/connections/main/queues/orders/links';
  const queueParams = { params: Promise.resolve({ conn: 'main', queue: 'orders' }) };
  const connParams = { params: Promise.resolve({ conn: 'main' }) };
  const req = (token: string, method: string, url: string, body?: unknown) =>
    new Request(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const audits = async (action: string) => (await listAudit(auditQuerySchema.parse({ limit: 50 }))).entries.filter((e) => e.action === action);

  it('sets a queue’s and a connection’s templates through the API and reads them back with the config file’s', async () => {
    const templates = [
      { label: 'Logs', url: 'https://logs.example.com/search?q=job:{queue}/{id}&from={processedOn}' },
      { label: 'Trace', url: 'https://jaeger.example.com/trace/{traceId}?span={spanId}' },
    ];
    const set = await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl, { templates }), queueParams);
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ message: 'orders: 2 links', templates: 2 });
    const setConn = await connectionLinksRoute.PUT(
      req(adminToken, 'PUT', 'http://console.test/api/v1/connections/main/links', { templates: [{ label: 'Grafana', url: 'https://grafana.example.com/explore?c={connection}&t={timestamp:iso}' }] }),
      connParams,
    );
    expect(setConn.status).toBe(200);

    const read = await queueLinksRoute.GET(req(viewerToken, 'GET', queueUrl), queueParams);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({
      connection: { config: [{ label: 'Config logs', url: 'https://logs.example.com/q?job={queue}/{id}' }], console: [{ label: 'Grafana', url: 'https://grafana.example.com/explore?c={connection}&t={timestamp:iso}' }] },
      queue: { config: [{ label: 'Orders admin', url: 'https://admin.example.com/orders/{id}#{name}' }], console: templates },
    });

    // Stored where lib/keys.ts and the migration say.
    if (kind === 'redis') {
      const redis = new Redis(store.consoleUrl);
      expect(JSON.parse((await redis.hget(KEYS.linkTemplates, 'main/orders'))!)).toEqual(templates);
      await redis.quit();
    } else {
      const pool = new pg.Pool({ connectionString: store.connection.url });
      const rows = (await pool.query(`SELECT scope FROM drover.link_template ORDER BY scope`)).rows.map((r) => r.scope);
      await pool.end();
      expect(rows).toEqual(['main', 'main/orders']);
    }

    const [entry] = await audits('links.set');
    expect(entry).toMatchObject({ outcome: 'ok', actor: 'token:links-admin', connection: 'main', queue: 'orders', params: { templates: 2, labels: ['Logs', 'Trace'] } });
  });

  it('renders them on job.get, values encoded, and shows the trace id BullMQ stored with the job', async () => {
    const queue = store.queue('orders');
    const id = 'order 7/x?y#z&w';
    await queue.add('send mail', { secret: 'never in links' }, { jobId: id, telemetry: { metadata: JSON.stringify({ traceparent: TRACEPARENT }) } });
    await queue.add('plain', {}, { jobId: 'plain-1' });

    // How BullMQ 6 keeps the metadata: on Redis as opts key "tm" (the hash field opts, keys shortened);
    // on PostgreSQL as the options were given (jsonb column opts: telemetry.metadata).
    const raw =
      kind === 'redis'
        ? await (async () => {
            const redis = new Redis(store.connection.url);
            const opts = JSON.parse((await redis.hget(`bull:orders:${id}`, 'opts'))!);
            await redis.quit();
            return opts;
          })()
        : await (async () => {
            const pool = new pg.Pool({ connectionString: store.connection.url });
            const row = (await pool.query(`SELECT opts FROM bullmq.job WHERE queue = $1 AND id = $2`, ['orders', id])).rows[0];
            await pool.end();
            return row.opts;
          })();
    if (kind === 'redis') expect(raw.tm).toBe(JSON.stringify({ traceparent: TRACEPARENT }));
    else expect(raw.telemetry).toEqual({ metadata: JSON.stringify({ traceparent: TRACEPARENT }) });
    expect((await queue.getJob(id))!.opts.telemetry?.metadata).toBe(JSON.stringify({ traceparent: TRACEPARENT }));

    const job = await getJob(getConnection('main'), 'orders', id);
    expect(job.trace).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID });
    const enc = encodeURIComponent(id);
    expect(job.links.map((l) => [l.label, l.href, l.missing, l.scope, l.source])).toEqual([
      ['Config logs', `https://logs.example.com/q?job=orders/${enc}`, [], 'connection', 'config'],
      ['Grafana', `https://grafana.example.com/explore?c=main&t=${encodeURIComponent(new Date(job.timestamp!).toISOString())}`, [], 'connection', 'console'],
      ['Orders admin', `https://admin.example.com/orders/${enc}#send%20mail`, [], 'queue', 'config'],
      // Waiting: not processed yet, so the logs link cannot say from when.
      ['Logs', null, ['processedOn'], 'queue', 'console'],
      ['Trace', `https://jaeger.example.com/trace/${TRACE_ID}?span=${SPAN_ID}`, [], 'queue', 'console'],
    ]);
    expect(enc).toBe('order%207%2Fx%3Fy%23z%26w');
    expect(JSON.stringify(job.links)).not.toContain('never in links');

    const plain = await getJob(getConnection('main'), 'orders', 'plain-1');
    expect(plain.trace).toBeNull();
    expect(plain.links.find((l) => l.label === 'Trace')).toMatchObject({ href: null, missing: ['traceId', 'spanId'] });
  });

  it('refuses a viewer (403) and bad templates (400 naming the problem), and audits each refusal', async () => {
    const denied = await queueLinksRoute.PUT(req(viewerToken, 'PUT', queueUrl, { templates: [] }), queueParams);
    expect(denied.status).toBe(403);
    expect((await audits('links.set'))[0]).toMatchObject({ outcome: 'denied', actor: 'token:links-viewer', queue: 'orders' });

    const cases = [
      [{ label: 'Evil', url: 'https://{queue}.example.com/' }, 'templates[0].url: variables are allowed only after the host'],
      [{ label: 'Evil', url: 'javascript:alert(1)//{id}' }, 'templates[0].url: must start with http:// or https://'],
      [{ label: 'Leak', url: 'https://x.example.com/{data.secret}' }, 'templates[0].url: unknown variable {data.secret}'],
    ] as const;
    for (const [template, message] of cases) {
      const res = await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl, { templates: [template] }), queueParams);
      expect(res.status, template.url).toBe(400);
      expect((await res.json()).error.message, template.url).toContain(message);
    }
    const tooMany = await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl, { templates: Array.from({ length: 11 }, (_, i) => ({ label: `L${i}`, url: 'https://x.example.com/' })) }), queueParams);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.message).toContain('at most 10 links');
    expect((await audits('links.set'))[0]).toMatchObject({ outcome: 'invalid', actor: 'token:links-admin' });
    expect((await audits('links.set')).filter((e) => e.outcome === 'invalid').length).toBeGreaterThanOrEqual(1);

    // Nothing changed; an empty list then removes the queue's own links (the config file's stay).
    const emptied = await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl, { templates: [] }), queueParams);
    expect(await emptied.json()).toMatchObject({ message: 'orders: no links', templates: 0 });
    const after = await (await queueLinksRoute.GET(req(viewerToken, 'GET', queueUrl), queueParams)).json();
    expect(after.queue).toEqual({ config: [{ label: 'Orders admin', url: 'https://admin.example.com/orders/{id}#{name}' }], console: [] });
  });

  it('sets links only on a queue that exists, and on a bounded number of queues', async () => {
    const one = { templates: [{ label: 'Logs', url: 'https://logs.example.com/{id}' }] };
    const nowhere = { params: Promise.resolve({ conn: 'main', queue: 'nowhere' }) };
    const missing = await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl.replace('/orders/', '/nowhere/'), one), nowhere);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toBe('Queue "nowhere" not found on connection "main"');
    // Removing a gone queue's links still works.
    expect((await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl.replace('/orders/', '/nowhere/'), { templates: [] }), nowhere)).status).toBe(200);

    // The console store already holds links for the bound's number of queues: a new one is refused, an
    // existing one can still be changed.
    const { linkStore, linkScope } = await import('@/lib/store/console/links');
    const { LINK_LIMITS } = await import('@/lib/links/link-template');
    const json = JSON.stringify(one.templates);
    // Fill up to the bound (the earlier tests left the connection's own links stored).
    const fill = LINK_LIMITS.storedQueues - (await linkStore().stored('')).scopes;
    for (let i = 0; i < fill; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, fill - i) }, (_, j) => linkStore().write(linkScope('main', `filler-${i + j}`), json)));
    }
    expect((await linkStore().stored('')).scopes).toBe(LINK_LIMITS.storedQueues);
    const refused = await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl, one), queueParams);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toBe('At most 1,000 queues and connections may have links set in the console; remove the links of one first');
    // Both refusals are audited: the flood-proof audit folds the 409 into the 404's entry (same actor,
    // action and outcome within its window) as a repeat.
    const refusal = (await audits('links.set')).find((e) => e.outcome === 'refused');
    expect(refusal).toMatchObject({ queue: 'nowhere', message: 'Queue "nowhere" not found on connection "main"', repeats: { count: 2 } });
    await linkStore().write(linkScope('main', 'filler-0'), null);
    expect((await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl, one), queueParams)).status).toBe(200);
    expect((await queueLinksRoute.PUT(req(adminToken, 'PUT', queueUrl, { templates: [...one.templates, ...one.templates] }), queueParams)).status).toBe(200);
    for (let i = 1; i < fill; i += 1) await linkStore().write(linkScope('main', `filler-${i}`), null);
  });
});
