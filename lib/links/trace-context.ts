// The OpenTelemetry trace a job belongs to, from BullMQ's telemetry metadata: job option `telemetry.metadata`,
// stored by BullMQ as opts key "tm" — a serialized context carrier, with bullmq-otel a JSON object holding a
// W3C `traceparent` ("00-<trace id>-<span id>-<flags>").
export type TraceContext = { traceId: string; spanId: string };

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** The trace and span of a `traceparent` header value, or null (malformed, or an all-zero id). */
export function parseTraceparent(value: unknown): TraceContext | null {
  if (typeof value !== 'string') return null;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m || /^0+$/.test(m[1]) || /^0+$/.test(m[2])) return null;
  return { traceId: m[1], spanId: m[2] };
}

/** The carrier's traceparent: the metadata is a JSON string (BullMQ 6's interface), or an object (older adapters). */
function carrierTraceparent(metadata: unknown): unknown {
  let carrier = metadata;
  if (typeof metadata === 'string') {
    if (metadata.length > 4096) return null;
    try {
      carrier = JSON.parse(metadata);
    } catch {
      return null;
    }
  }
  return carrier !== null && typeof carrier === 'object' ? (carrier as Record<string, unknown>).traceparent : null;
}

/** The trace of a job from its options as stored ("tm") or as BullMQ decodes them (`telemetry.metadata`). */
export function traceOf(opts: Record<string, unknown> | null | undefined): TraceContext | null {
  // Options stored as JSON null (a raw write) or anything not an object: no trace, never a failed page.
  if (opts === null || typeof opts !== 'object') return null;
  const telemetry = opts.telemetry as { metadata?: unknown } | undefined;
  const metadata = opts.tm ?? (telemetry !== null && typeof telemetry === 'object' ? telemetry.metadata : undefined);
  return parseTraceparent(carrierTraceparent(metadata));
}
