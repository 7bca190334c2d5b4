import { routeOf } from '@/lib/http/route';
import { userOperations } from '@/lib/operations/users';

export const GET = routeOf(userOperations.listUsers);
export const POST = routeOf(userOperations.addUser);
