import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { inject, injectable } from 'inversify';
import { RateLimiter } from '../../lib/adapter/rate-limiter';
import { TokenVerifier } from '../../lib/adapter/token-verifier';
import { ForbiddenError, UnauthenticatedError } from '../../lib/domain/errors';
import type { Principal, Role } from '../../lib/domain/principal';
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

  private guard(mode: 'required' | 'admin' | 'optional'): RequestHandler {
    const requiredRole: Role | undefined = mode === 'admin' ? 'admin' : undefined;
    return async (req: Request, res: Response, next: NextFunction) => {
      const header = req.headers.authorization;
      if (header === undefined && mode === 'optional') return next();
      const match = header === undefined ? null : BEARER.exec(header);
      if (!match) throw new UnauthenticatedError();
      const principal = await this.verifier.verify(match[1]!);
      if (requiredRole && principal.role !== requiredRole) {
        throw new ForbiddenError(`This route needs the ${requiredRole} role.`);
      }
      if (isWrite(req.method)) await enforceRateLimit(this.rateLimiter, 'user', principal.userId);
      res.locals.principal = principal;
      next();
    };
  }
}
