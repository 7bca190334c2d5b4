// What one heartbeat record holds: the oldest running jobs across the process's queues, ids and names
// capped, and a byte budget whatever BullMQ lets a job id be (jobsTotal still counts every job).
import { describe, expect, it } from 'vitest';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import type { Logger } from 'pino';
import { BusyHeartbeat } from '@/workers/runtime/busy-heartbeat';
import type { DroverWorker } from '@/workers/runtime/drover-worker';
import { BUSY_ID_CAP, BUSY_RECORD_MAX_BYTES, BUSY_RECORD_MAX_JOBS, BUSY_TEXT_CAP, busyRecordSchema } from '@/lib/workers/busy-record';

type Run = { id: string; name: string; startedAt: number };

/** A stand-in for DroverWorker's three read-only facts the heartbeat reads (runs in start order). */
function fakeWorker(runs: Run[], concurrency = runs.length): DroverWorker {
  return {
    concurrency,
    runningCount: runs.length,
    runningJobs: (limit: number) => runs.slice(0, limit),
  } as unknown as DroverWorker;
}

function heartbeat(workers: Map<string, DroverWorker>): BusyHeartbeat {
  return new BusyHeartbeat({ records: {} as ConnectionRecords, workerName: 'drover@host:1', workers, intervalMs: 5_000, logger: {} as Logger });
}

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

describe('BusyHeartbeat.record', () => {
  it('carries the worker-control state and the locally paused queues of the listed ones (a record an older console also reads)', () => {
    const beat = new BusyHeartbeat({
      records: {} as ConnectionRecords,
      workerName: 'drover@host:1',
      workers: new Map([['a', fakeWorker([])], ['b', fakeWorker([])]]),
      intervalMs: 5_000,
      logger: {} as Logger,
      runtimeId: 'rt-1',
      status: () => ({ state: 'quiet', paused: ['b', 'not-run-here'] }),
    });
    const record = beat.record(T0);
    expect(record).toMatchObject({ runtimeId: 'rt-1', controllable: true, state: 'quiet', paused: ['b'] });
    expect(busyRecordSchema.parse(record)).toEqual(record);
    // Without control (an older runtime, or control off) the fields are absent.
    const plain = heartbeat(new Map([['a', fakeWorker([])]])).record(T0);
    expect(plain).not.toHaveProperty('state');
    expect(plain).not.toHaveProperty('controllable');
  });

  it('lists the oldest jobs across queues, not the first queue’s jobs first', () => {
    // Queue "a" started its 100 jobs after every job of queue "b".
    const a = Array.from({ length: BUSY_RECORD_MAX_JOBS }, (_, i) => ({ id: `a${i}`, name: 'late', startedAt: T0 + 60_000 + i }));
    const b = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, name: 'early', startedAt: T0 + i }));
    const record = heartbeat(new Map([['a', fakeWorker(a)], ['b', fakeWorker(b)]])).record(T0 + 120_000);
    expect(record.jobsTotal).toBe(130);
    expect(record.jobs).toHaveLength(BUSY_RECORD_MAX_JOBS);
    expect(record.jobs.slice(0, 30).map((j) => j.id)).toEqual(b.map((j) => j.id));
    expect(record.jobs.filter((j) => j.queue === 'a')).toHaveLength(BUSY_RECORD_MAX_JOBS - 30);
  });

  it(`caps ids at ${BUSY_ID_CAP} characters (marked), names at ${BUSY_TEXT_CAP}, and the record at ${BUSY_RECORD_MAX_BYTES} bytes`, () => {
    const runs = Array.from({ length: BUSY_RECORD_MAX_JOBS }, (_, i) => ({ id: `${i}-${'x'.repeat(100_000)}`, name: 'n'.repeat(100_000), startedAt: T0 + i }));
    const record = heartbeat(new Map([['huge-ids', fakeWorker(runs)]])).record(T0 + 1_000);
    const json = JSON.stringify(record);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(BUSY_RECORD_MAX_BYTES);
    expect(record.jobsTotal).toBe(BUSY_RECORD_MAX_JOBS);
    expect(record.jobs.length).toBeGreaterThan(0);
    expect(record.jobs.length).toBeLessThan(BUSY_RECORD_MAX_JOBS);
    for (const job of record.jobs) {
      expect(job.id.length).toBe(BUSY_ID_CAP);
      expect(job.idTruncated).toBe(true);
      expect(job.name.length).toBeLessThanOrEqual(BUSY_TEXT_CAP);
    }
    // The oldest are the ones kept, and the console's reader accepts what the writer wrote.
    expect(record.jobs[0].id.startsWith('0-')).toBe(true);
    expect(busyRecordSchema.safeParse(JSON.parse(json)).success).toBe(true);
  });

  it('keeps a short id whole and unmarked', () => {
    const record = heartbeat(new Map([['q', fakeWorker([{ id: '42', name: 'x', startedAt: T0 }])]])).record(T0);
    expect(record.jobs).toEqual([{ queue: 'q', id: '42', name: 'x', startedAt: T0 }]);
  });
});
