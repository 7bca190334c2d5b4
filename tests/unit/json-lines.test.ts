import { describe, expect, it } from 'vitest';
import { foldEverything, formatJsonLines, lineKey, lineText, lineValue, rowWindow, visibleLines, TRUNCATED_NOTE, UNFINISHED_NOTE, STOPPED_NOTE, MAX_FORMATTED_LINES, type JsonLines } from '@/components/explorer/json-lines';

/** The lines as they would read, two spaces per level. */
function render(lines: JsonLines): string {
  return texts(lines)
    .map((t, i) => '  '.repeat(lines.depth[i]) + t)
    .join('\n');
}

function texts(lines: JsonLines): string[] {
  return Array.from({ length: lines.count }, (_, i) => lineText(lines, i));
}

describe('formatJsonLines', () => {
  it('prints valid JSON like JSON.stringify(value, null, 2), with a fold for every object and array', () => {
    const value = { order: 42, tags: ['a', 'b'], empty: {}, none: [], nested: { ok: true, nothing: null, n: -1.5e3 } };
    const lines = formatJsonLines(JSON.stringify(value));
    expect(render(lines)).toBe(JSON.stringify(value, null, 2));
    expect(lines.endNote).toBe(-1);
    // { opens at line 0 and closes at the last line, with 5 keys; "tags": [ at line 2 closes at line 5.
    expect(lines.foldEnd[0]).toBe(lines.count - 1);
    expect(lines.items[0]).toBe(5);
    expect(lineText(lines, 2)).toBe('"tags": [');
    expect(lines.foldEnd[2]).toBe(5);
    expect(lines.items[2]).toBe(2);
    expect([lineKey(lines, 2), lineValue(lines, 2)]).toEqual(['"tags"', '[']);
    // Lines that open nothing fold nothing (empty containers stay on one line).
    expect(lineText(lines, 6)).toBe('"empty": {},');
    expect(lines.foldEnd[6]).toBe(-1);
  });

  it('keeps the whitespace and order of the source tokens, whatever its own indentation', () => {
    const source = '{\n\t"a" :\r\n [ 1 ,2 ] ,  "b":"x y"\n}';
    expect(render(formatJsonLines(source))).toBe('{\n  "a": [\n    1,\n    2\n  ],\n  "b": "x y"\n}');
  });

  it('keeps escaped quotes and backslashes inside strings, and structural characters in strings stay text', () => {
    const value = { 'k"ey': 'say \\"hi\\" {not: [an, object]}', slash: '\\', tail: 'ends with backslash\\', u: '\u00e9\n\t' };
    const lines = formatJsonLines(JSON.stringify(value));
    expect(render(lines)).toBe(JSON.stringify(value, null, 2));
    expect(lines.foldEnd.filter((f) => f >= 0)).toHaveLength(1);
  });

  it('formats text that stops mid-string and says the value was truncated', () => {
    const lines = formatJsonLines('{"a": [1, 2], "b": "half a str', { truncated: true });
    expect(render(lines)).toBe(`{\n  "a": [\n    1,\n    2\n  ],\n  "b": "half a str\n  ${TRUNCATED_NOTE}`);
    expect(lines.endNote).toBe(lines.count - 1);
    // The object left open folds up to the note, counting the keys seen.
    expect(lines.foldEnd[0]).toBe(lines.endNote);
    expect(lines.items[0]).toBe(2);
  });

  it('formats text that stops mid-string right after a backslash', () => {
    const lines = formatJsonLines('["ok", "esc\\', { truncated: true });
    expect(texts(lines)).toEqual(['[', '"ok",', '"esc\\', TRUNCATED_NOTE]);
  });

  it('formats text that stops mid-number and mid-object', () => {
    expect(render(formatJsonLines('[1, 2, 3.14', { truncated: true }))).toBe(`[\n  1,\n  2,\n  3.14\n  ${TRUNCATED_NOTE}`);
    const cut = formatJsonLines('{"outer": {"inner": {"x": 1,', { truncated: true });
    expect(render(cut)).toBe(`{\n  "outer": {\n    "inner": {\n      "x": 1,\n      ${TRUNCATED_NOTE}`);
    expect([cut.foldEnd[0], cut.foldEnd[1], cut.foldEnd[2]]).toEqual([cut.endNote, cut.endNote, cut.endNote]);
    // Stopping right after a key or an opening bracket.
    expect(texts(formatJsonLines('{"k": ', { truncated: true }))).toEqual(['{', '"k": ', TRUNCATED_NOTE]);
    const opened = formatJsonLines('[', { truncated: true });
    expect(texts(opened)).toEqual(['[', TRUNCATED_NOTE]);
    expect(opened.items[0]).toBe(0);
  });

  it('says where text that is not complete JSON ends even when the server did not cut it', () => {
    expect(texts(formatJsonLines('{"a": 1'))).toEqual(['{', '"a": 1', UNFINISHED_NOTE]);
    expect(texts(formatJsonLines('"unterminated'))).toEqual(['"unterminated', UNFINISHED_NOTE]);
  });

  it('tolerates text that is not JSON at all without losing any of it', () => {
    const lines = formatJsonLines('}} plain words ]');
    expect(texts(lines).join('')).toBe('}}plainwords]');
    expect(lines.depth.every((d) => d === 0)).toBe(true);
    expect(texts(formatJsonLines('1 2'))).toEqual(['1', '2']);
    expect(texts(formatJsonLines(''))).toEqual([]);
  });

  it('keeps hostile text as it came (the viewer renders it as text)', () => {
    const xss = '<img src=x onerror=alert(1)>';
    const lines = formatJsonLines(JSON.stringify({ html: xss }));
    expect(lineText(lines, 1)).toBe(`"html": ${JSON.stringify(xss)}`);
  });

  it('stops after MAX_FORMATTED_LINES lines and says Raw shows the rest (4 MB of commas made 4 million lines)', () => {
    const commas = formatJsonLines(','.repeat(4 * 1024 * 1024), { truncated: true });
    expect(commas.count).toBe(MAX_FORMATTED_LINES + 1);
    expect(commas.endNote).toBe(MAX_FORMATTED_LINES);
    expect(lineText(commas, commas.endNote)).toBe(STOPPED_NOTE);
    const small = formatJsonLines('[1,2,3,4,5]', { maxLines: 3 });
    expect(texts(small)).toEqual(['[', '1,', '2,', STOPPED_NOTE]);
    expect(small.foldEnd[0]).toBe(3);
  });

  it('formats 100,000 levels of nesting without running out of stack', () => {
    const levels = 100_000;
    const source = '['.repeat(levels) + '1' + ']'.repeat(levels);
    const lines = formatJsonLines(source);
    expect(lines.count).toBe(levels * 2 + 1);
    expect(lines.depth[levels]).toBe(levels);
    expect(lines.foldEnd[0]).toBe(levels * 2);
    expect(lines.foldEnd[levels - 1]).toBe(levels + 1);
    const objects = formatJsonLines('{"a":'.repeat(levels), { truncated: true });
    // '{', then '"a": {' on every level but the last, then the key the text stops after, then the note.
    expect(objects.count).toBe(levels + 2);
    expect(lineText(objects, levels)).toBe('"a": ');
    expect(objects.depth[levels + 1]).toBe(levels);
  });

  it('formats 5 MB in one pass (time printed, not asserted)', () => {
    const value = Array.from({ length: 40_000 }, (_, i) => ({ id: i, email: `user${i}@example.com`, note: 'x\\"y'.repeat(10), tags: ['a', 'b'], total: i * 1.5 }));
    const source = JSON.stringify(value).slice(0, 5 * 1024 * 1024);
    const started = performance.now();
    const lines = formatJsonLines(source, { truncated: source.length < JSON.stringify(value).length });
    const ms = performance.now() - started;
    console.log(`formatJsonLines: ${(source.length / 1024 / 1024).toFixed(1)} MB → ${lines.count} lines in ${ms.toFixed(0)} ms`);
    expect(lines.count).toBeGreaterThan(300_000);
  });
});

describe('visibleLines', () => {
  const value = { a: { b: [1, 2], c: 3 }, d: 4 };
  // 0 {  1 "a": {  2 "b": [  3 1,  4 2  5 ],  6 "c": 3  7 },  8 "d": 4  9 }
  const lines = formatJsonLines(JSON.stringify(value));

  it('shows every line when nothing is folded', () => {
    expect(Array.from(visibleLines(lines, new Uint8Array(lines.count)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('hides what a folded line holds, its closing line included, and keeps folds inside folds', () => {
    const folded = new Uint8Array(lines.count);
    folded[2] = 1;
    expect(Array.from(visibleLines(lines, folded))).toEqual([0, 1, 2, 6, 7, 8, 9]);
    folded[1] = 1;
    expect(Array.from(visibleLines(lines, folded))).toEqual([0, 1, 8, 9]);
    expect(Array.from(visibleLines(lines, foldEverything(lines)))).toEqual([0]);
  });

  it('folds a value left open up to the "… truncated" note', () => {
    const cut = formatJsonLines('{"a": {"b": 1, "c": ', { truncated: true });
    const folded = new Uint8Array(cut.count);
    folded[1] = 1;
    expect(Array.from(visibleLines(cut, folded)).map((i) => lineText(cut, i))).toEqual(['{', '"a": {']);
  });
});

describe('rowWindow', () => {
  it('renders the rows in view plus the overscan, clamped to the list', () => {
    expect(rowWindow(0, 480, 100_000, 20, 30)).toEqual([0, 54]);
    expect(rowWindow(20_000, 480, 100_000, 20, 30)).toEqual([970, 1054]);
    expect(rowWindow(1_999_600, 480, 100_000, 20, 30)).toEqual([99_950, 100_000]);
    expect(rowWindow(0, 480, 3, 20, 30)).toEqual([0, 3]);
  });
});
