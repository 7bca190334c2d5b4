import { routeOf } from '@/lib/http/route';
import { viewOperations } from '@/lib/operations/views';

export const GET = routeOf(viewOperations.listViews);
export const POST = routeOf(viewOperations.createView);
