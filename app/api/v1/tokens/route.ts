import { routeOf } from '@/lib/http/route';
import { userOperations } from '@/lib/operations/users';

export const GET = routeOf(userOperations.listTokens);
export const POST = routeOf(userOperations.createToken);
