// GET …/dlq/groups?limit= — failures grouped by normalized error, biggest first, with first/last seen.
import { apiRoute } from '@/lib/api/api-route';
import { getConnection } from '@/lib/redis/connections';
import { dlqParamsSchema } from '@/lib/dlq/params';
import { listErrorGroups, listErrorGroupsQuerySchema } from '@/lib/dlq/list-error-groups';

export const GET = apiRoute({ role: 'viewer', params: dlqParamsSchema, query: listErrorGroupsQuerySchema }, async ({ params, query }) =>
  listErrorGroups(getConnection(params.conn), query),
);
