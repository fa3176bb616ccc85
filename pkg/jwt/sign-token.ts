import { SignJWT } from 'jose';
import type { Principal } from '../../lib/domain/principal';

/** Issues an HS256 token the API accepts (used by `npm run token`, tests and the benchmark). */
export function signToken(secret: string, principal: Principal, expiresInSeconds = 3600): Promise<string> {
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}
