import type { Request } from 'express';
import { NotFoundError, ValidationError } from '../../lib/domain/errors';
import { isUuid } from '../../lib/domain/id';
import type { PageRequest } from '../../lib/domain/page';

/** A path id; a malformed one names nothing that exists, so it is a 404, not a 500 from the database. */
export function idParam(req: Pick<Request, 'params'>, name: string, resource: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !isUuid(value)) throw new NotFoundError(resource, String(value));
  return value.toLowerCase();
}

function singleQuery(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw ValidationError.field(name, 'must be given once, as a plain value');
  return value;
}

export function pageQuery(req: Request, defaults = { limit: 1_000, max: 10_000 }): PageRequest {
  const rawLimit = singleQuery(req, 'limit');
  const rawCursor = singleQuery(req, 'cursor');
  let limit = defaults.limit;
  if (rawLimit !== undefined) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > defaults.max) {
      throw ValidationError.field('limit', `must be a whole number from 1 to ${defaults.max}`);
    }
  }
  if (rawCursor !== undefined && !isUuid(rawCursor)) {
    throw ValidationError.field('cursor', 'is not a cursor this API returned');
  }
  return { limit, cursor: rawCursor?.toLowerCase() ?? null };
}
