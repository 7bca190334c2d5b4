import { describe, expect, it } from 'vitest';
import { dataPreviewText, latestStackHead } from '@/components/explorer/job-preview';

describe('latestStackHead', () => {
  it('shows the first lines of the newest failure (BullMQ appends them, oldest first) and counts the rest', () => {
    const older = 'Error: timeout\n    at a (a.js:1:1)';
    const newest = ['Error: card declined', ...Array.from({ length: 9 }, (_, i) => `    at f${i} (charge.js:${i}:1)`)].join('\n');
    expect(latestStackHead([older, newest], 3)).toEqual({
      lines: ['Error: card declined', '    at f0 (charge.js:0:1)', '    at f1 (charge.js:1:1)'],
      more: 7,
    });
  });

  it('skips empty entries, cuts very long lines, and says when there is nothing', () => {
    expect(latestStackHead(['Error: x\r\n    at y', '', '  '])).toEqual({ lines: ['Error: x', '    at y'], more: 0 });
    expect(latestStackHead(['x'.repeat(500)], 6, 10)).toEqual({ lines: [`${'x'.repeat(10)}…`], more: 0 });
    expect(latestStackHead([])).toBeNull();
    expect(latestStackHead([''])).toBeNull();
  });

  it('reads a 256 KB stack that is one long run of spaces in linear time (a trailing-space regex took minutes)', () => {
    // Before: /\s+$/ backtracked over the run — 80,000 spaces took 5 s, 256 KB about a minute, past this
    // test's time-out. Nothing is timed here: the old code simply does not finish.
    const hostile = `Error: bad input ${' '.repeat(256 * 1024)}x\n    at f (a.js:1:1)`;
    const head = latestStackHead([hostile], 6, 40);
    expect(head?.lines).toEqual([`Error: bad input ${' '.repeat(23)}…`, '    at f (a.js:1:1)']);
  });
});

describe('dataPreviewText', () => {
  it('pretty-prints a whole JSON value and keeps hostile strings as they are', () => {
    expect(dataPreviewText({ text: '{"html":"<img src=x onerror=alert(1)>"}', truncated: false })).toBe('{\n  "html": "<img src=x onerror=alert(1)>"\n}');
  });

  it('shows a cut value raw, marked where it was cut, and text that is not JSON as it is', () => {
    expect(dataPreviewText({ text: '{"order":1,"items":[1,2', truncated: true })).toBe('{"order":1,"items":[1,2…');
    expect(dataPreviewText({ text: 'not json', truncated: false })).toBe('not json');
  });
});
