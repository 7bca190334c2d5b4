// The names of what did not pass in a vitest or Playwright JSON report, one line each, for the
// end of `npm test`'s output (CI shows the tail of the log).
import path from 'node:path';

const firstLine = (text) => String(text ?? '').split('\n').find((l) => l.trim())?.trim().slice(0, 200) ?? '';

export function vitestFailures(report, root) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const rel = path.relative(root, file.name ?? '');
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed' || t.status === 'pending' || t.status === 'skipped');
    for (const t of failed) out.push(`vitest ${t.status} ${rel} › ${t.fullName ?? t.title}: ${firstLine(t.failureMessages?.[0])}`);
    if (file.status === 'failed' && file.message) out.push(`vitest ${rel}: ${firstLine(file.message)}`);
  }
  return out;
}

export function playwrightFailures(report) {
  const out = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === 'expected') continue;
        const last = test.results?.at(-1);
        out.push(`e2e ${test.status} ${spec.file}:${spec.line} › ${spec.title}: ${firstLine(last?.error?.message)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  return out;
}

