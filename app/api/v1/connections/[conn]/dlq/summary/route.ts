// GET …/dlq/summary — the DLQ's size, counts by origin queue and its growth counters.
import { apiRoute } from '@/lib/api/api-route';
import { getConnection } from '@/lib/redis/connections';
import { dlqParamsSchema } from '@/lib/dlq/params';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';

export const GET = apiRoute({ role: 'viewer', params: dlqParamsSchema }, async ({ params }) => getDeadLetterSummary(getConnection(params.conn)));
