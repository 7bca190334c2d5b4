import { routeOf } from '@/lib/http/route';
import { linksOperations } from '@/lib/operations/links';

export const GET = routeOf(linksOperations.getConnectionLinks);
export const PUT = routeOf(linksOperations.setConnectionLinks);
