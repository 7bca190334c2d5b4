// Job-derived text is hostile: file names, CSV cells, error grouping and search needles are bounded and safe.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileInside, safeFileName } from '@/workers/processors/safe-file-name';
import { csvField } from '@/workers/processors/report';
import { MAX_INPUT_LENGTH, normalizeFailedReason } from '@/lib/dlq/normalize-error';
import { asciiLower } from '@/lib/jobs/ascii-lower';

describe('file names from job ids', () => {
  it('cannot climb out of the output directory', () => {
    const climbed = safeFileName('x/../../../../tmp/pwn');
    expect(climbed).not.toMatch(/[/\\]|\.\./);
    expect(climbed).toMatch(/^x_+tmp_pwn$/);
    expect(safeFileName('..')).toBe('_');
    expect(safeFileName('repeat:daily:1700000000000')).toBe('repeat_daily_1700000000000');
    expect(safeFileName('a'.repeat(1000)).length).toBe(120);
    const dir = path.resolve('/tmp/out');
    expect(fileInside(dir, `${safeFileName('../../etc/passwd')}.eml`).startsWith(`${dir}/`)).toBe(true);
    expect(() => fileInside(dir, '../escape.eml')).toThrow(/outside/);
  });
});

describe('report CSV cells', () => {
  it('neutralise spreadsheet formulas and quote separators', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
  });
});

describe('error grouping of huge messages', () => {
  it('only looks at the first part of a reason', () => {
    const head = `token '${'A'.repeat(MAX_INPUT_LENGTH)}`;
    expect(normalizeFailedReason(head + 'x'.repeat(1_000_000))).toBe(normalizeFailedReason(head));
  });
});

describe('search needles', () => {
  it('fold ASCII only, like Lua string.lower in Redis', () => {
    expect(asciiLower('ÉCHEC Timeout')).toBe('Échec timeout');
  });
});
