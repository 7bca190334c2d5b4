import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoryOf, summarizeCpuProfile } from '@/bench/scale/profile';

// tiny.cpuprofile: 12 samples of 1 ms each. readJobDetail (Drover's server bundle) 3 ms; Next's
// handleRequest, JSON parse (native), ioredis, a node: stream, React's renderer, (program) and
// (garbage collector) 1 ms each; (idle) 2 ms.
const fixture = path.join(import.meta.dirname, 'fixtures', 'tiny.cpuprofile');

describe('summarizeCpuProfile', () => {
  it('gives each category its share of the sampled time in percent', () => {
    const { categories } = summarizeCpuProfile(fixture, 5, { root: '/srv/drover' });
    expect(categories.drover).toBeCloseTo(25, 1);
    expect(categories.idle).toBeCloseTo(16.67, 1);
    for (const c of ['nextjs', 'react', 'storeClients', 'node', 'v8', 'gc', 'program']) expect(categories[c]).toBeCloseTo(8.33, 1);
    expect(categories.other).toBe(0);
    expect(Object.values(categories).reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  });

  it('lists the top functions by self time with their file and 1-based line, busiest first', () => {
    const { text } = summarizeCpuProfile(fixture, 3, { root: '/srv/drover' });
    expect(text).toContain('12.0 ms sampled, 10.0 ms not idle');
    const top = text.split('\n').filter((l) => /^\s+[\d.]+%\s+[\d.]+ ms\s+\S/.test(l) && l.includes('['));
    expect(top).toHaveLength(3);
    // 3 ms of 10 ms not idle; idle itself is never a "top function".
    expect(top[0]).toMatch(/30\.0%\s+3\.0 ms\s+readJobDetail\s+\.next\/server\/chunks\/742\.js:12:5\s+\[drover\]/);
    expect(text).not.toMatch(/\(idle\).*\[idle\]/);
  });

  it('counts the time of stacks through Drover’s code with what it calls (readJobDetail and the parse under it: 4 of 10 ms)', () => {
    const { text } = summarizeCpuProfile(fixture, 3, { root: '/srv/drover' });
    expect(text).toMatch(/Stacks through Drover's code .*: 4\.0 ms, 40\.0% of not idle/);
  });

  it('keeps to a window of the profile when asked (start-up left out)', () => {
    // Samples start at 0, 1, … 11 ms: from 3 ms to 7 ms leaves handleRequest, parse, ioredis and the stream.
    const { categories, text } = summarizeCpuProfile(fixture, 10, { root: '/srv/drover', fromMs: 3, toMs: 7 });
    expect(text).toContain('(from 3 ms to 7 ms after start): 4.0 ms sampled');
    expect(categories).toMatchObject({ nextjs: 25, v8: 25, storeClients: 25, node: 25, drover: 0, idle: 0 });
  });
});

describe('categoryOf', () => {
  it('tells Next’s compiled React from Next itself, and store clients from other dependencies', () => {
    expect(categoryOf({ functionName: 'f', url: '/x/node_modules/next/dist/compiled/next-server/app-route.runtime.prod.js' })).toBe('nextjs');
    expect(categoryOf({ functionName: 'f', url: '/x/node_modules/next/dist/compiled/react-server-dom-webpack/cjs/x.js' })).toBe('react');
    expect(categoryOf({ functionName: 'f', url: '/x/node_modules/bullmq/dist/esm/classes/job.js' })).toBe('storeClients');
    expect(categoryOf({ functionName: 'f', url: '/x/node_modules/pg-protocol/dist/parser.js' })).toBe('storeClients');
    expect(categoryOf({ functionName: 'f', url: '/x/node_modules/zod/v4/core/parse.js' })).toBe('other');
    expect(categoryOf({ functionName: 'f', url: 'file:///x/scripts/server.mjs' })).toBe('drover');
    expect(categoryOf({ functionName: 'f', url: '/x/lib/jobs/get-job.ts' })).toBe('drover');
  });
});
