import { webcrypto } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { UnauthenticatedError } from '../../lib/domain/errors';
import { ROLES, type Principal, type Role } from '../../lib/domain/principal';
import type { TokenVerifier } from '../../lib/adapter/token-verifier';
import { VerifiedTokens } from './verified-tokens';

const MAX_SUB_LENGTH = 128;

/** HS256 bearer tokens signed with the shared secret; `exp` is required. */
export class JoseTokenVerifier implements TokenVerifier {
  // Imported once: given the raw bytes, jose imports a WebCrypto key on every call, which is half the
  // cost of verifying a token not seen before (40 µs against 19 µs of CPU per verification).
  private readonly key: Promise<webcrypto.CryptoKey>;
  private readonly verified = new VerifiedTokens();

  constructor(secret: string) {
    this.key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token, Date.now());
    if (cached) return cached;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('The token has expired.');
      throw new UnauthenticatedError('The token is not valid.');
    }
    const { sub, role } = payload as { sub?: unknown; role?: unknown };
    // The subject becomes a user id in URLs, Redis keys and Postgres rows: no control characters.
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH || /[\u0000-\u001f\u007f]/.test(sub)) {
      throw new UnauthenticatedError('The token has no valid sub claim.');
    }
    if (!ROLES.includes(role as Role)) throw new UnauthenticatedError('The token has no valid role claim.');
    const principal: Principal = { userId: sub, role: role as Role };
    // requiredClaims made jose check that `exp` is a number in the future.
    this.verified.add(token, principal, (payload.exp as number) * 1000);
    return principal;
  }
}
