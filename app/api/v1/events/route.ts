import { routeOf } from '@/lib/http/route';
import { consoleOperations } from '@/lib/operations/console';

export const dynamic = 'force-dynamic';

export const GET = routeOf(consoleOperations.events);
