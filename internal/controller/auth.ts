import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { inject, injectable } from 'inversify';
import { RateLimiter } from '../../lib/adapter/rate-limiter';
import { TokenVerifier } from '../../lib/adapter/token-verifier';
import { ForbiddenError, UnauthenticatedError } from '../../lib/domain/errors';
import type { Principal } from '../../lib/domain/principal';
import { enforceRateLimit, isWrite } from './rate-limit';

const BEARER = /^Bearer ([A-Za-z0-9_\-.]+)$/;

/** The verified caller of an authenticated route. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}

/** The caller when a token was sent (public routes that show more to owners and admins). */
export function optionalPrincipalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

export type AuthMode = 'required' | 'admin' | 'optional';

/** Route guards. Identity is only ever taken from a verified token; each user's writes are metered. */
@injectable()
export class Auth {
  readonly user: RequestHandler;
  readonly admin: RequestHandler;
  readonly optional: RequestHandler;

  constructor(
    @inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @inject(RateLimiter) private readonly rateLimiter: RateLimiter,
  ) {
    this.user = this.guard('required');
    this.admin = this.guard('admin');
    this.optional = this.guard('optional');
  }

  /**
   * The caller of a request with this Authorization header, checked for `mode` and metered when it
   * writes; undefined only for `optional` without a header. Express's guards and the lean lane share it.
   */
  async authenticate(header: string | undefined, method: string, mode: AuthMode): Promise<Principal | undefined> {
    if (header === undefined && mode === 'optional') return undefined;
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match) throw new UnauthenticatedError();
    const principal = await this.verifier.verify(match[1]!);
    if (mode === 'admin' && principal.role !== 'admin') throw new ForbiddenError('This route needs the admin role.');
    if (isWrite(method)) await enforceRateLimit(this.rateLimiter, 'user', principal.userId);
    return principal;
  }

  private guard(mode: AuthMode): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const principal = await this.authenticate(req.headers.authorization, req.method, mode);
      if (principal) res.locals.principal = principal;
      next();
    };
  }
}
