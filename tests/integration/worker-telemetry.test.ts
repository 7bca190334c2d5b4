// The bundled worker runtime with OpenTelemetry (README › Tracing): DROVER_OTEL=1 loads bullmq-otel with a
// dynamic import and hands it to BullMQ; here a fake implementation of BullMQ's Telemetry interface is
// loaded the same way (the injected import), so a real runtime on each store processes a job inside the
// trace its producer started. bullmq-otel itself is not installed: DROVER_OTEL=1 stops the workers at
// start with the install command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Queue, SpanKind, createPostgresBackend, type ContextManager, type Span, type Telemetry, type Tracer } from 'bullmq';
import { z } from 'zod';
import { STORE_KINDS } from '../helpers/stores';
import { consoleForThisFile, type TestConsole } from '../helpers/console-store';
import { killIfRunning, spawnWorkers, waitFor, waitForFinished } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { createWorkerLogger } from '@/workers/runtime/logger';
import type { RuntimeKind } from '@/workers/runtime/processor';
import { loadTelemetry, otelEnabled } from '@/workers/runtime/telemetry';
import { getConnection } from '@/lib/redis/connections';
import { getJob } from '@/lib/jobs/get-job';
import { readJobAttempts } from '@/lib/attempts/read-attempts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';
const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };
const logger = createWorkerLogger({}, { write: () => {} });

type Ctx = { traceId?: string; spanId?: string };
type Recorded = { name: string; kind: SpanKind | undefined; parent: Ctx | undefined; traceId: string; spanId: string; ended: boolean; attributes: Record<string, unknown> };

/** BullMQ's Telemetry interface with W3C traceparent carriers, recording every span it starts. */
class FakeOtel implements Telemetry<Ctx> {
  static spans: Recorded[] = [];
  static made: Array<{ tracerName: string }> = [];
  tracer: Tracer<Ctx>;
  contextManager: ContextManager<Ctx>;
  constructor(opts: { tracerName: string }) {
    FakeOtel.made.push(opts);
    this.tracer = {
      startSpan: (name, options, parent): Span<Ctx> => {
        const rec: Recorded = { name, kind: options?.kind, parent, traceId: parent?.traceId ?? randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), ended: false, attributes: {} };
        FakeOtel.spans.push(rec);
        return {
          setSpanOnContext: () => ({ traceId: rec.traceId, spanId: rec.spanId }),
          setAttribute: (k, v) => void (rec.attributes[k] = v),
          setAttributes: (a) => void Object.assign(rec.attributes, a),
          addEvent: () => {},
          recordException: () => {},
          end: () => void (rec.ended = true),
        };
      },
    };
    const active = new AsyncLocalStorage<Ctx>();
    this.contextManager = {
      with: (ctx, fn) => active.run(ctx, fn),
      active: () => active.getStore() ?? {},
      getMetadata: (ctx) => (ctx.traceId ? JSON.stringify({ traceparent: `00-${ctx.traceId}-${ctx.spanId}-01` }) : ''),
      fromMetadata: (_active, metadata) => {
        const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-/.exec((JSON.parse(metadata) as { traceparent?: string }).traceparent ?? '');
        return m ? { traceId: m[1], spanId: m[2] } : {};
      },
    };
  }
}

function echoKind(queue: string): RuntimeKind {
  return {
    definition: { kind: `echo-${queue}`, queue, jobNames: ['echo'], description: 'answers at once', dataSchema: z.object({}).passthrough(), defaultJobOptions: {}, concurrency: 1 },
    processor: { type: 'inline', process: async () => ({ ok: true }) },
  };
}

describe('loading the telemetry', () => {
  it('is off unless DROVER_OTEL=1', async () => {
    expect(otelEnabled({})).toBe(false);
    expect(await loadTelemetry({}, () => Promise.reject(new Error('must not load')))).toBeUndefined();
  });
  it('with DROVER_OTEL=1 and bullmq-otel not installed, refuses naming the install command', async () => {
    await expect(loadTelemetry({ DROVER_OTEL: '1' })).rejects.toThrow(/npm install bullmq-otel/);
  });
  it('loads bullmq-otel’s BullMQOtel through the import', async () => {
    const loaded: string[] = [];
    const telemetry = await loadTelemetry({ DROVER_OTEL: '1' }, async (name) => (loaded.push(name), { BullMQOtel: FakeOtel }));
    expect(loaded).toEqual(['bullmq-otel']);
    expect(telemetry).toBeInstanceOf(FakeOtel);
    await expect(loadTelemetry({ DROVER_OTEL: '1' }, async () => ({}))).rejects.toThrow(/exports no BullMQOtel/);
  });
  it('a worker process with DROVER_OTEL=1 and no bullmq-otel exits at start saying to install it', async () => {
    // The telemetry is loaded before the runtime connects: no store is needed to see the refusal.
    const workers = spawnWorkers([], { REDIS_URL: 'redis://127.0.0.1:1', DROVER_OTEL: '1' });
    try {
      const exit = await workers.exited;
      expect(exit.code).toBe(1);
      expect(workers.output()).toContain('npm install bullmq-otel');
    } finally {
      await killIfRunning(workers.child);
    }
  });
});

describe.each(STORE_KINDS)('the worker runtime with telemetry on %s', { timeout: 180_000 }, (kind) => {
  const server: TestConsole = consoleForThisFile(kind);
  const runtimes: Runtime[] = [];
  const queues: Queue[] = [];
  const queueOn = (name: string): Queue => {
    const q =
      kind === 'redis'
        ? new Queue(name, { connection: { url: server.url } })
        : (new Queue(name, { connection: { connectionString: server.url, migrate: true } }, createPostgresBackend) as unknown as Queue);
    q.on('error', () => {});
    queues.push(q);
    return q;
  };
  beforeAll(async () => {
    await queueOn('otel-schema').waitUntilReady();
  });
  afterAll(async () => {
    await Promise.allSettled(runtimes.map((r) => r.close()));
    await Promise.allSettled(queues.map((q) => q.close()));
  });

  it('processes a job in the trace its producer started (the job’s telemetry metadata)', async () => {
    FakeOtel.spans = [];
    const telemetry = await loadTelemetry({ DROVER_OTEL: '1' }, async () => ({ BullMQOtel: FakeOtel }));
    const queueName = `otel-${kind}`;
    const started = await startRuntime({
      connection: getConnection('console').config, kinds: [echoKind(queueName)], settings, logger, workerName: 'drover@otel:1',
      schedulers: false, cancellation: false, deadLetters: false, heartbeat: false, telemetry,
    });
    runtimes.push(started);
    const producer = queueOn(queueName);
    const job = await producer.add('echo', {}, { telemetry: { metadata: JSON.stringify({ traceparent: `00-${TRACE_ID}-${PRODUCER_SPAN}-01` }) } });
    const done = await waitForFinished(producer, job.id!, 60_000);
    expect(done.returnvalue).toEqual({ ok: true });

    const consumer = await waitFor(() => FakeOtel.spans.find((s) => s.kind === SpanKind.CONSUMER && s.ended), 'the consumer span');
    expect(consumer.name).toBe(`process ${queueName}`);
    // Joined the producer's trace, as a child of its span.
    expect(consumer.parent).toEqual({ traceId: TRACE_ID, spanId: PRODUCER_SPAN });
    expect(consumer.traceId).toBe(TRACE_ID);

    // The run's attempt record names its trace too.
    const attempts = await waitFor(async () => {
      const read = await readJobAttempts(getConnection('console'), queueName, job.id!);
      return read.find((a) => a.outcome === 'completed') ? read : undefined;
    }, 'the completed attempt record');
    expect(attempts[0]).toMatchObject({ outcome: 'completed', traceId: TRACE_ID });

    // And the job page names that trace.
    expect((await getJob(getConnection('console'), queueName, job.id!)).trace).toEqual({ traceId: TRACE_ID, spanId: PRODUCER_SPAN });
  });

});
