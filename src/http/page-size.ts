/**
 * The `limit` of a list read a page at a time: a whole number from 1 to `max` in the query string,
 * optional; `fallback` says in the API reference what the node gives without it.
 */
import { z } from 'zod';

export function pageSizeQuery(max: number, fallback: string) {
  return z.coerce.number().int().min(1).max(max).optional().describe(fallback);
}
