// "Redis unreachable" when the unreachable Redis is the console's own (the default single-Redis setup):
// the rules live in that Redis, so the evaluator alerts from what it remembers, and resolves once
// Redis is back, with the state saved again.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureRedisUrl } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { Sampler, sampleOnce } from '@/lib/metrics/sampler';
import { collectSnapshot } from '@/lib/metrics/snapshot';
import { evaluateAlerts } from '@/lib/alerts/evaluate-alerts';
import { createAlertRule } from '@/lib/alerts/create-alert-rule';
import { listAlertHistory, listAlertRules } from '@/lib/alerts/list-alerts';
import { deleteAlertRule } from '@/lib/alerts/delete-alert-rule';
import { createChannel } from '@/lib/alerts/channels/create-channel';
import { channelInputSchema } from '@/lib/alerts/channels/channel';

let redis: TestRedis;
let receiver: http.Server;
let port = 0;
const bodies: Array<Record<string, unknown>> = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-console-down-'));

beforeAll(async () => {
  // The test receivers listen on 127.0.0.1, which the egress policy refuses by default (lib/egress).
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  redis = await startTestRedis({ persistent: true, dir });
  await configureRedisUrl(redis.url);
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});

afterAll(async () => {
  await closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await redis.stop();
});

async function round(now: number) {
  return evaluateAlerts(await sampleOnce({ now }), { now });
}

it('alerts that the console Redis is down from the rules it remembers, and resolves when it is back', async () => {
  const rule = await createAlertRule(ctxAs('admin'), {
    name: 'console redis',
    enabled: true,
    kind: 'redis-unreachable',
    connection: 'default',
    queue: null,
    threshold: 0,
    minutes: 0,
    cooldownMinutes: 0,
    webhookUrl: `http://127.0.0.1:${port}/hook`,
    webhookFormat: 'json',
  });
  const t0 = Date.now();
  await round(t0);
  expect(bodies).toEqual([]);
  // The sampler that evaluates (its lease fences the sending, lib/alerts/evaluator.ts): the holder now.
  const sampler = new Sampler({ instanceId: 'console-down-holder', intervalMs: 10_000 });
  expect(await sampler.tick()).not.toBeNull();

  const port0 = redis.port;
  await redis.stop('SIGTERM'); // AOF flushed: rules survive
  const down = await sampleOnce({ now: t0 + 10_000 });
  expect(down.connections[0]).toMatchObject({ up: false });
  expect(down.written).toBe(0);
  // The store cannot renew the lease now; the holder stays the holder and still sends the outage.
  expect(await sampler.stillLeader()).toBe(true);
  await evaluateAlerts(down, { now: t0 + 10_000, holder: sampler.instanceId, fence: () => sampler.stillLeader() });
  expect(bodies.map((b) => [b.state, b.connection, b.rule])).toEqual([['firing', 'default', 'console redis']]);
  await round(t0 + 20_000);
  expect(bodies).toHaveLength(1); // remembered as firing: no repeat

  redis = await startTestRedis({ persistent: true, dir, port: port0 });
  await waitFor(async () => (await collectSnapshot()).connections[0].up, { timeout: 15_000, what: 'the console Redis to answer again' });
  await round(t0 + 30_000);
  expect(bodies.map((b) => b.state)).toEqual(['firing', 'resolved']);
  // The outage's progress reached Redis once it was back.
  expect((await listAlertRules()).find((r) => r.id === rule.id)).toMatchObject({ status: 'ok', since: t0 + 30_000 });
  expect((await listAlertHistory({ ruleId: rule.id })).map((h) => h.type)).toEqual(['resolved']);
  await sampler.stop();
});

it('sends the console Redis outage to a paging channel (no inline webhook): channels are remembered like rules', async () => {
  for (const r of await listAlertRules()) await deleteAlertRule(ctxAs('admin'), { id: r.id });
  bodies.length = 0;
  const channel = await createChannel(ctxAs('admin'), channelInputSchema.parse({ type: 'webhook', name: 'hook', config: { url: `http://127.0.0.1:${port}/channel`, format: 'json' } }));
  await createAlertRule(ctxAs('admin'), {
    name: 'console redis by channel',
    enabled: true,
    kind: 'redis-unreachable',
    connection: 'default',
    queue: null,
    threshold: 0,
    minutes: 0,
    cooldownMinutes: 0,
    channelIds: [channel.id],
    webhookFormat: 'json',
  });
  const t0 = Date.now() + 60_000;
  await round(t0);
  expect(bodies).toEqual([]);
  const sampler = new Sampler({ instanceId: 'console-down-channel', intervalMs: 10_000 });
  expect(await sampler.tick()).not.toBeNull();

  const port0 = redis.port;
  await redis.stop('SIGTERM');
  const down = await sampleOnce({ now: t0 + 10_000 });
  expect(down.connections[0]).toMatchObject({ up: false });
  await evaluateAlerts(down, { now: t0 + 10_000, holder: sampler.instanceId, fence: () => sampler.stillLeader() });
  expect(bodies.map((b) => [b.state, b.connection, b.rule])).toEqual([['firing', 'default', 'console redis by channel']]);
  await round(t0 + 20_000);
  expect(bodies).toHaveLength(1);

  redis = await startTestRedis({ persistent: true, dir, port: port0 });
  await waitFor(async () => (await collectSnapshot()).connections[0].up, { timeout: 15_000, what: 'the console Redis to answer again' });
  await round(t0 + 30_000);
  expect(bodies.map((b) => b.state)).toEqual(['firing', 'resolved']);
  await sampler.stop();
});
