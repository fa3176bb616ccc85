export type Role = 'admin' | 'user';

export const ROLES: readonly Role[] = ['admin', 'user'];

/** The verified caller. Its id only ever comes from a verified token. */
export interface Principal {
  userId: string;
  role: Role;
}

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}

/** Owners and admins may act on a resource; nobody else. */
export function canActFor(principal: Principal, ownerId: string): boolean {
  return principal.role === 'admin' || principal.userId === ownerId;
}
