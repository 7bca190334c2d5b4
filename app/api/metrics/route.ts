// GET /api/metrics — Prometheus text format; bearer DROVER_METRICS_TOKEN or an API token (README, "Prometheus").
import { errorResponse } from '@/lib/http/api-route';
import { toDroverError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { authorizeScrape } from '@/lib/metrics/scrape-auth';
import { renderPrometheusMetrics } from '@/lib/metrics/prometheus';
import { queueFilterOf } from '@/lib/auth/queue-filter';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  try {
    const scraper = await authorizeScrape(request);
    const { contentType, body } = await renderPrometheusMetrics(Date.now(), scraper.access ? queueFilterOf(scraper.access) : undefined);
    return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
  } catch (err) {
    const error = toDroverError(err);
    if (error.code === 'internal') logger.error({ err: (err as Error)?.stack ?? String(err), url: '/api/metrics' }, 'metrics scrape failed');
    return errorResponse(error);
  }
}
