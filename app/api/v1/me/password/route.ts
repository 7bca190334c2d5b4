import { routeOf } from '@/lib/http/route';
import { userOperations } from '@/lib/operations/users';

export const POST = routeOf(userOperations.changeOwnPassword);
