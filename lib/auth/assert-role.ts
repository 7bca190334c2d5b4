import { ForbiddenError, UnauthorizedError } from '@/lib/errors';
import type { Principal } from './principal';
import { hasRole, type Role } from './roles';

/** Throws UnauthorizedError / ForbiddenError; the first line of every domain mutation. */
export function assertRole(principal: Principal | null, required: Role): Principal {
  if (!principal) throw new UnauthorizedError();
  if (!hasRole(principal.role, required)) {
    throw new ForbiddenError(`This needs the ${required} role; you are ${principal.role}`);
  }
  return principal;
}
