import type { RequestHandler } from 'express';
import { sendProblem } from './problem';

/** Longest request target accepted; ids and cursors keep real URLs far below it. */
export const MAX_URL_LENGTH = 2_048;
/** Deepest JSON accepted: our bodies nest three levels; deeper input only costs validation time and stack. */
export const MAX_JSON_DEPTH = 32;

export const urlLengthLimit: RequestHandler = (req, res, next) => {
  if (req.originalUrl.length <= MAX_URL_LENGTH) return next();
  sendProblem(res, { status: 414, code: 'uri-too-long', title: 'URI Too Long', detail: `The request URI must be at most ${MAX_URL_LENGTH} characters.` });
};

/** Depth of a parsed JSON value, walked iteratively so hostile nesting cannot exhaust the stack. */
export function jsonDepth(value: unknown, stopAt = MAX_JSON_DEPTH + 1): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest >= stopAt) return deepest;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}
