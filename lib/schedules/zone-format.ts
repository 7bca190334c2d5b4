// Formatting an instant in an IANA time zone with its UTC offset. Pure Intl, safe in client bundles.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string | undefined, kind: 'parts' | 'offset'): Intl.DateTimeFormat {
  const key = `${kind}|${tz ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      kind === 'parts'
        ? new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
        : new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
    formatters.set(key, f);
  }
  return f;
}

/** "+02:00" (or "+00:00") — the zone's UTC offset at that instant. */
export function zoneOffset(ms: number, tz?: string): string {
  const name = formatter(tz, 'offset').formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d{2}:\d{2})/.exec(name);
  return m ? m[1] : '+00:00';
}

/** "Sun 2026-03-29 03:30:00" in the zone. */
export function formatInZone(ms: number, tz?: string): string {
  const parts = Object.fromEntries(formatter(tz, 'parts').formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** "2026-03-29 03:30:00.250" in the zone: an exact instant, to the millisecond, for timelines. */
export function formatInstantInZone(ms: number, tz?: string): string {
  const parts = Object.fromEntries(formatter(tz, 'parts').formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${millis}`;
}

/** "Sun 2026-03-29 03:30:00 +02:00" */
export function formatInZoneWithOffset(ms: number, tz?: string): string {
  return `${formatInZone(ms, tz)} ${zoneOffset(ms, tz)}`;
}

/**
 * "Mon 2026-12-07 07:30:00 +01:00 Europe/Berlin": a schedule's run time in its own zone, labelled with
 * it, as the schedules table shows it (a schedule without a zone: UTC). For messages and toasts.
 */
export function formatRunTime(ms: number, tz?: string | null): string {
  const zone = tz || 'UTC';
  return `${formatInZoneWithOffset(ms, zone)} ${zone}`;
}

/** The viewer's own zone (browser) or the process zone (server). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "every 6h", "every 1m 30s", "every 1.5 s" */
export function describeEvery(ms: number): string {
  if (ms % 1000 !== 0 || ms < 1000) return `Every ${ms.toLocaleString('en')} ms`;
  let s = ms / 1000;
  const parts: string[] = [];
  for (const [size, unit] of [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'm'],
    [1, 's'],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return `Every ${parts.join(' ')}`;
}
