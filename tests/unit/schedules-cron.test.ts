// Cron and time-zone checks say which field is wrong; previews follow cron-parser (BullMQ's library)
// and mark DST transitions.
import { describe, expect, it } from 'vitest';
import { checkCronPattern, checkTimeZone, describeCron, previewRuns, timeZoneNames } from '@/lib/schedules/cron';
import { describeEvery, formatInZone, zoneOffset } from '@/lib/schedules/zone-format';

describe('checkCronPattern', () => {
  it.each([
    ['61 * * * *', 'minute field: 61 is out of range 0-59'],
    ['* * *', 'Expected 5 or 6 fields (minute hour day-of-month month day-of-week, with an optional leading second), got 3'],
    ['* * * * * * *', 'Expected 5 or 6 fields (minute hour day-of-month month day-of-week, with an optional leading second), got 7'],
    ['0 25 * * *', 'hour field: 25 is out of range 0-23'],
    ['60 * * * * *', 'second field: 60 is out of range 0-59'],
    ['* * 0 * *', 'day of month field: 0 is out of range 1-31'],
    ['* * * 13 *', 'month field: 13 is out of range 1-12'],
    ['* * * * 8', 'day of week field: 8 is out of range 0-7'],
    ['1-70 * * * *', 'minute field: range 1-70 is out of range 0-59'],
    ['5-1 * * * *', 'minute field: range 5-1 goes backwards (5 > 1)'],
    ['*/0 * * * *', 'minute field: a step (/n) must be a number ≥ 1'],
    ['a * * * *', 'minute field: invalid characters in "a"'],
    ['* * * JAN-FOO *', 'month field: unknown name "foo"'],
    ['0 0 30 2 *', 'day of month field: day 30 never occurs in month 2'],
    ['', 'The cron pattern is empty'],
  ])('%j → %s', (pattern, message) => {
    expect(checkCronPattern(pattern)).toBe(message);
  });

  it.each(['0 9 * * 1-5', '*/5 * * * * *', '@daily', '0 0 L * *', '15 4 * * MON-FRI', '0 0 1 1 *'])('accepts %j', (pattern) => {
    expect(checkCronPattern(pattern)).toBeNull();
  });

  it('names the shortcuts it knows', () => {
    expect(checkCronPattern('@fortnightly')).toMatch(/^Unknown shortcut "@fortnightly": use one of @yearly, /);
  });
});

describe('checkTimeZone', () => {
  it('accepts IANA names and common aliases, refuses the rest with the name', () => {
    expect(checkTimeZone('Europe/Berlin')).toBeNull();
    expect(checkTimeZone('UTC')).toBeNull();
    expect(checkTimeZone('America/Argentina/Buenos_Aires')).toBeNull();
    expect(checkTimeZone('Mars/Base')).toBe('Unknown time zone "Mars/Base"');
    expect(checkTimeZone('+01:00')).toBe('Unknown time zone "+01:00"');
    expect(checkTimeZone('europe/berlin')).toBe('Unknown time zone "europe/berlin" (names are case-sensitive: did you mean "Europe/Berlin"?)');
    expect(timeZoneNames()[0]).toBe('UTC');
  });
});

describe('previewRuns', () => {
  it('gives the next runs in the zone and marks the spring-forward transition', () => {
    const runs = previewRuns({ pattern: '0 9 * * *', tz: 'America/New_York', count: 4, now: Date.parse('2030-03-08T15:00:00Z') });
    expect(runs.map((r) => r.inZone)).toEqual(['Sat 2030-03-09 09:00:00', 'Sun 2030-03-10 09:00:00', 'Mon 2030-03-11 09:00:00', 'Tue 2030-03-12 09:00:00']);
    expect(runs.map((r) => r.offset)).toEqual(['-05:00', '-04:00', '-04:00', '-04:00']);
    expect(runs.map((r) => r.offsetChange)).toEqual([null, { from: '-05:00', to: '-04:00' }, null, null]);
    expect(new Date(runs[0].at).toISOString()).toBe('2030-03-09T14:00:00.000Z');
    expect(new Date(runs[1].at).toISOString()).toBe('2030-03-10T13:00:00.000Z');
  });

  it('moves a run that falls in the skipped hour, as BullMQ would', () => {
    // 02:30 does not exist in Berlin on 31 March 2030 (clocks jump from 02:00 to 03:00).
    const runs = previewRuns({ pattern: '30 2 * * *', tz: 'Europe/Berlin', count: 3, now: Date.parse('2030-03-29T12:00:00Z') });
    expect(runs.map((r) => `${r.inZone} ${r.offset}`)).toEqual(['Sat 2030-03-30 02:30:00 +01:00', 'Sun 2030-03-31 03:30:00 +02:00', 'Mon 2030-04-01 02:30:00 +02:00']);
    expect(runs[1].offsetChange).toEqual({ from: '+01:00', to: '+02:00' });
  });

  it('respects start and end dates, and intervals start at once or at the start date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const bounded = previewRuns({ pattern: '0 12 * * *', tz: 'UTC', startDate: Date.parse('2030-01-05T00:00:00Z'), endDate: Date.parse('2030-01-07T00:00:00Z'), count: 10, now });
    expect(bounded.map((r) => new Date(r.at).toISOString())).toEqual(['2030-01-05T12:00:00.000Z', '2030-01-06T12:00:00.000Z']);
    const every = previewRuns({ every: 90_000, count: 3, now });
    expect(every.map((r) => r.at - now)).toEqual([0, 90_000, 180_000]);
    const later = previewRuns({ every: 1000, startDate: now + 5000, endDate: now + 7000, count: 10, now });
    expect(later.map((r) => r.at - now)).toEqual([5000, 6000, 7000]);
  });
});

describe('descriptions', () => {
  it('says a cron in plain English (24-hour clock) and an interval in units', () => {
    expect(describeCron('0 9 * * 1-5')).toBe('At 09:00, Monday through Friday');
    expect(describeCron('*/5 * * * * *')).toBe('Every 5 seconds');
    expect(describeEvery(6 * 3_600_000)).toBe('Every 6h');
    expect(describeEvery(90_000)).toBe('Every 1m 30s');
    expect(describeEvery(1500)).toBe('Every 1,500 ms');
  });

  it('formats an instant in a zone with its offset', () => {
    const at = Date.parse('2030-07-01T10:00:00Z');
    expect(formatInZone(at, 'Asia/Kolkata')).toBe('Mon 2030-07-01 15:30:00');
    expect(zoneOffset(at, 'Asia/Kolkata')).toBe('+05:30');
    expect(zoneOffset(at, 'UTC')).toBe('+00:00');
  });
});
