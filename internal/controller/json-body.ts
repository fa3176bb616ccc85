import express, { type RequestHandler } from 'express';
import { ValidationError } from '../../lib/domain/errors';
import { jsonDepth, MAX_JSON_DEPTH } from './limits';

/** Default JSON body limit in bytes; routes that take bulk payloads pass a larger one explicitly. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

function parser(limit: number | string): RequestHandler {
  const parse = express.json({ limit, strict: true });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (jsonDepth(req.body) > MAX_JSON_DEPTH) return next(ValidationError.field('body', `must not nest deeper than ${MAX_JSON_DEPTH} levels`));
      next();
    });
}

const defaultParser = parser(DEFAULT_BODY_LIMIT);

/** JSON body parsing with a depth limit, applied only to routes that take a body (GETs skip the work). */
export function jsonBody(limit?: string): RequestHandler {
  return limit === undefined ? defaultParser : parser(limit);
}
