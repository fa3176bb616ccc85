import express, { type RequestHandler } from 'express';

/** Default JSON body limit; routes that take bulk payloads pass a larger one explicitly. */
export const DEFAULT_BODY_LIMIT = '1mb';

const defaultParser = express.json({ limit: DEFAULT_BODY_LIMIT, strict: true });

/** JSON body parsing, applied only to routes that take a body (GETs skip the work). */
export function jsonBody(limit?: string): RequestHandler {
  return limit === undefined ? defaultParser : express.json({ limit, strict: true });
}
