// npm test ends by naming what did not pass, read from vitest's and Playwright's JSON reports.
import { describe, expect, it } from 'vitest';
import { playwrightFailures, vitestFailures } from '../../scripts/lib/test-report.mjs';

describe('test report', () => {
  it('names failed tests, tests skipped by a failed hook, and the file-level error', () => {
    const report = {
      testResults: [
        { name: '/repo/tests/a.test.ts', status: 'passed', message: '', assertionResults: [{ status: 'passed', fullName: 'a works', failureMessages: [] }] },
        {
          name: '/repo/tests/cluster.test.ts',
          status: 'failed',
          message: 'Hook timed out in 60000ms.\nIf this is a long-running hook…',
          assertionResults: [{ status: 'skipped', fullName: 'Redis Cluster lists', failureMessages: [] }],
        },
        { name: '/repo/tests/b.test.ts', status: 'failed', message: '', assertionResults: [{ status: 'failed', fullName: 'b counts', failureMessages: ['\nAssertionError: expected 2 to be 3\n    at …'] }] },
      ],
    };
    expect(vitestFailures(report, '/repo')).toEqual([
      'vitest skipped tests/cluster.test.ts › Redis Cluster lists: ',
      'vitest tests/cluster.test.ts: Hook timed out in 60000ms.',
      'vitest failed tests/b.test.ts › b counts: AssertionError: expected 2 to be 3',
    ]);
  });

  it('names Playwright tests that were not as expected, in nested suites', () => {
    const report = {
      suites: [
        {
          specs: [{ title: 'ok', file: 'x.spec.ts', line: 1, tests: [{ status: 'expected', results: [] }] }],
          suites: [{ specs: [{ title: 'opens', file: 'y.spec.ts', line: 9, tests: [{ status: 'unexpected', results: [{ error: { message: 'Timed out 20000ms' } }] }] }] }],
        },
      ],
    };
    expect(playwrightFailures(report)).toEqual(['e2e unexpected y.spec.ts:9 › opens: Timed out 20000ms']);
    expect(playwrightFailures({ suites: [] })).toEqual([]);
  });
});
