// Data column keys (`cols=` / `columns=`) hold to the query language's path rules (lib/jobs/query/data-columns.ts).
import { describe, expect, it } from 'vitest';
import { dataColumnKeys, dataColumnsParamSchema, parseDataColumn } from '@/lib/jobs/query/data-columns';
import { searchQuerySchema } from '@/lib/jobs/schemas';

describe('data columns', () => {
  it('parses data. and returnvalue. paths into a root and segments', () => {
    expect(parseDataColumn('data.user.plan')).toEqual({ key: 'data.user.plan', root: 'data', path: ['user', 'plan'] });
    expect(parseDataColumn('returnvalue.items.0.id')).toEqual({ key: 'returnvalue.items.0.id', root: 'returnvalue', path: ['items', '0', 'id'] });
    expect(parseDataColumn('returnvalue')).toEqual({ key: 'returnvalue', root: 'returnvalue', path: [] });
  });

  it('refuses what the query language refuses, with the reason', () => {
    expect(parseDataColumn('name')).toMatch(/must be data\.<key>… or returnvalue\.<key>…/);
    expect(parseDataColumn('dataX.y')).toMatch(/must be data/);
    expect(parseDataColumn('data.')).toMatch(/empty path segment/);
    expect(parseDataColumn('data.a:b')).toMatch(/cannot hold/);
    expect(parseDataColumn(`data.${'k'.repeat(65)}`)).toMatch(/longer than 64/);
    expect(parseDataColumn(`data.${Array(9).fill('k').join('.')}`)).toMatch(/at most 8/);
  });

  it('reads a comma-separated list: distinct, in order, at most 8', () => {
    expect(dataColumnsParamSchema.parse(' data.a , returnvalue.b,data.a,').map((c) => c.key)).toEqual(['data.a', 'returnvalue.b']);
    expect(dataColumnsParamSchema.safeParse(Array.from({ length: 9 }, (_, i) => `data.k${i}`).join(',')).success).toBe(false);
    const bad = searchQuerySchema.safeParse({ q: 'x', columns: 'data.ok,data..x' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['columns'], message: expect.stringMatching(/empty path segment/) });
    expect(searchQuerySchema.parse({ q: 'x' }).columns).toBeUndefined();
  });

  it('a page keeps the valid keys of its URL and drops the rest', () => {
    expect(dataColumnKeys('data.a,nonsense,returnvalue.b,data.a,data..x')).toEqual(['data.a', 'returnvalue.b']);
    expect(dataColumnKeys('')).toEqual([]);
    expect(dataColumnKeys(Array.from({ length: 10 }, (_, i) => `data.k${i}`).join(','))).toHaveLength(8);
  });
});
