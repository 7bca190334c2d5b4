// `npm run workers [-- <kind or queue> …]`: the bundled worker runtime as its own process (`npm start`
// runs it next to the console; run it alone to add workers on other machines against the same Redis).
import { ConfigError } from '@/lib/config/load-config';
import { toDroverError } from '@/lib/errors';
import { egressPolicy } from '@/lib/egress/policy';
import { describeEndpoint } from '@/lib/config/redact';
import { droverWorkerName } from '@/lib/workers/worker-name';
import { jobKinds } from '@/lib/job-kinds/registry';
import { WORKERS_STOPPED_EXIT_CODE } from '@/lib/worker-control/control-message';
import { bundledProcessors, selectKinds } from './runtime/bundled-processors';
import { createWorkerLogger } from './runtime/logger';
import { readRuntimeSettings } from './runtime/settings';
import { readCircuitSettings } from './runtime/circuit-settings';
import { loadTelemetry, OTEL_PACKAGE, TelemetryUnavailableError } from './runtime/telemetry';
import { startRuntime } from './runtime/start-runtime';
import { getWebhookSecret } from './runtime/webhook-secret';
import { resolveWorkerTarget } from './runtime/worker-connection';

const USAGE = `Usage: npm run workers [-- <kind|queue> …]

Runs one BullMQ worker per job kind (all by default): ${jobKinds.map((k) => k.kind).join(', ')}.
Redis: the console connection (REDIS_URL / drover.config.json), or the one named by DROVER_WORKER_CONNECTION.
SIGTERM/SIGINT: stop taking jobs, let active ones finish (DROVER_SHUTDOWN_TIMEOUT_MS), exit 0.
Stop from the console (Workers): the same, exit ${WORKERS_STOPPED_EXIT_CODE} (npm start keeps the console running).`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const names = args.flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  const workerName = droverWorkerName();
  const logger = createWorkerLogger({ worker: workerName });

  const { connection, legacyConsole } = await resolveWorkerTarget();
  // A bad DROVER_EGRESS_ALLOW stops the workers here (ConfigError naming the entry), not at the first webhook.
  const egress = egressPolicy();
  const settings = readRuntimeSettings();
  const circuits = readCircuitSettings();
  const webhook = getWebhookSecret();
  if (webhook.source === 'generated') logger.info({ event: 'webhook.secret_generated', file: webhook.file }, `WEBHOOK_SECRET not set: generated one into ${webhook.file}`);
  else if (webhook.source === 'file') logger.info({ event: 'webhook.secret_file', file: webhook.file }, `WEBHOOK_SECRET not set: using ${webhook.file}`);
  const smtpUrl = process.env.SMTP_URL || undefined;
  const bundled = bundledProcessors({ webhookSecret: webhook.secret, smtpUrl, mailFrom: process.env.DROVER_MAIL_FROM || 'drover@localhost', smtpDeadlineMs: settings.smtpDeadlineMs });
  const kinds = selectKinds(names, bundled.processors);
  logger.info(
    {
      event: 'workers.starting',
      connection: connection.name,
      endpoint: describeEndpoint(connection.url),
      prefix: connection.prefix,
      email: smtpUrl ? 'smtp' : 'outbox',
      egressAllow: egress.allow.map((rule) => rule.text),
      circuits: circuits.enabled ? circuits.policy : 'off',
      ...settings,
    },
    `starting workers on connection "${connection.name}"`,
  );

  // DROVER_OTEL=1 without bullmq-otel installed stops here, saying how to install it.
  const telemetry = await loadTelemetry();
  if (telemetry) logger.info({ event: 'workers.telemetry', package: OTEL_PACKAGE }, 'OpenTelemetry tracing on (DROVER_OTEL=1)');
  const runtime = await startRuntime({ connection, kinds, settings, workerName, logger, legacyConsole, telemetry, circuits });

  const ended = await new Promise<{ signal: NodeJS.Signals } | { stoppedBy: string }>((resolve) => {
    const received = new Set<NodeJS.Signals>();
    const onSignal = (sig: NodeJS.Signals) => {
      // Ctrl-C under `npm start` delivers SIGINT from the terminal and SIGTERM from start.mjs: only the
      // same signal twice means "stop now".
      if (received.has(sig)) {
        logger.warn({ event: 'workers.forced_exit', signal: sig }, `${sig} again: exiting without waiting for active jobs`);
        process.exit(1);
      }
      received.add(sig);
      resolve({ signal: sig });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // The console's Stop (lib/worker-control): the same graceful path as SIGTERM, its own exit code.
    void runtime.stopRequested.then((stoppedBy) => resolve({ stoppedBy }));
  });
  if ('signal' in ended) logger.info({ event: 'workers.signal', signal: ended.signal }, `${ended.signal} received`);
  else logger.info({ event: 'workers.stopped_by_console', requestedBy: ended.stoppedBy, exitCode: WORKERS_STOPPED_EXIT_CODE }, `stop requested in the console by ${ended.stoppedBy}`);
  await runtime.close();
  bundled.close();
  return 'signal' in ended ? 0 : WORKERS_STOPPED_EXIT_CODE;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    // PostgreSQL's and Redis's failures in the words the console uses (a missing BullMQ schema says how to make it).
    const mapped = toDroverError(err, process.env.DROVER_WORKER_CONNECTION || undefined);
    const message = err instanceof ConfigError || err instanceof TelemetryUnavailableError ? err.message : `workers failed to start: ${mapped.code === 'internal' ? err.message : mapped.message}`;
    console.error(JSON.stringify({ level: 50, time: Date.now(), service: 'drover-workers', msg: message }));
    process.exit(1);
  },
);
