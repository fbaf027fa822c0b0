import type { ErrorKind } from '../shared/errors.js';

/** The HTTP boundary's mapping: error kind → status. */
export const httpStatusByKind: Record<ErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};
