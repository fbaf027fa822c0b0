import type { ErrorCode } from '../shared/errors.js';

/**
 * An expected "no" from a use case: a stable reason for code, the error code whose `error.<CODE>`
 * text explains it to the signer, and the values that text needs.
 */
export interface Refusal<Reason extends string> {
  status: 'refused';
  reason: Reason;
  code: ErrorCode;
  params: Record<string, string | number>;
}

export function refusal<Reason extends string>(
  reason: Reason,
  code: ErrorCode,
  params: Record<string, string | number> = {},
): Refusal<Reason> {
  return { status: 'refused', reason, code, params };
}
