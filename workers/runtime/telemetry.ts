// OpenTelemetry for the bundled workers (README › Tracing): with DROVER_OTEL=1 the runtime hands BullMQ a
// Telemetry implementation from the `bullmq-otel` package, so each job's processing joins the trace its
// producer started (BullMQ carries the context in the job's telemetry metadata). The package is the
// deployment's to install (an optional peer of BullMQ, not a dependency of Drover), so it is loaded with
// a dynamic import; missing, the workers refuse to start and say how to install it. The SDK and exporter
// are the deployment's too (node --import <their OpenTelemetry bootstrap>).
import type { Telemetry } from 'bullmq';

export const OTEL_PACKAGE = 'bullmq-otel';

/** What BullMQ's telemetry option takes, and what bullmq-otel ≥ 2 exports to make one. */
type OtelModule = { BullMQOtel: new (opts: { tracerName: string; version?: string }) => Telemetry };

export class TelemetryUnavailableError extends Error {}

/** Whether the deployment turned tracing on. */
export function otelEnabled(env: Record<string, string | undefined> = process.env): boolean {
  const v = (env.DROVER_OTEL ?? '').trim().toLowerCase();
  return v === '1' || v === 'true';
}

function isMissingModule(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * The Telemetry the workers pass to BullMQ, or undefined when tracing is off. `load` is the import
 * (tests inject a module with a fake BullMQOtel the same way the package is loaded).
 */
export async function loadTelemetry(
  env: Record<string, string | undefined> = process.env,
  load: (name: string) => Promise<unknown> = (name) => import(/* webpackIgnore: true */ name),
): Promise<Telemetry | undefined> {
  if (!otelEnabled(env)) return undefined;
  let mod: OtelModule;
  try {
    mod = (await load(OTEL_PACKAGE)) as OtelModule;
  } catch (err) {
    if (isMissingModule(err)) {
      throw new TelemetryUnavailableError(`DROVER_OTEL=1 but the package ${OTEL_PACKAGE} is not installed: run \`npm install ${OTEL_PACKAGE}\` (and start the workers with your OpenTelemetry SDK set up, README › Tracing), or unset DROVER_OTEL`);
    }
    throw err;
  }
  const Otel = mod.BullMQOtel ?? (mod as unknown as { default?: OtelModule }).default?.BullMQOtel;
  if (typeof Otel !== 'function') throw new TelemetryUnavailableError(`DROVER_OTEL=1 but ${OTEL_PACKAGE} exports no BullMQOtel class: install bullmq-otel ≥ 2 (npm install ${OTEL_PACKAGE}@latest)`);
  return new Otel({ tracerName: 'drover-workers' });
}
