import { AppError } from '../../shared/errors.js';

/** Why a provider refused or failed; a metrics label and the key to what happens next. */
export type SmsFailureReason =
  | 'invalid_number'
  | 'no_credit'
  | 'auth'
  | 'rejected'
  | 'rate_limited'
  | 'unavailable';

const transientReasons: readonly SmsFailureReason[] = ['rate_limited', 'unavailable'];

/** Builds the AppError a sender throws, with the code that tells callers whether to retry. */
export function smsProviderError(options: {
  provider: string;
  reason: SmsFailureReason;
  message: string;
  httpStatus?: number;
  providerCode?: string | number;
  cause?: unknown;
}): AppError {
  const code = transientReasons.includes(options.reason)
    ? 'SMS_PROVIDER_UNAVAILABLE'
    : options.reason === 'invalid_number'
      ? 'SMS_NUMBER_REJECTED'
      : 'SMS_PROVIDER_FAILED';
  return new AppError(code, `${options.provider}: ${options.message}`, {
    cause: options.cause,
    details: {
      provider: options.provider,
      reason: options.reason,
      httpStatus: options.httpStatus ?? null,
      providerCode: options.providerCode === undefined ? null : String(options.providerCode),
    },
  });
}

/** Whether a send failure may succeed later: the durable job retries these, and only these. */
export function isTransientSmsError(error: unknown): boolean {
  return error instanceof AppError && error.code === 'SMS_PROVIDER_UNAVAILABLE';
}

/** The failure reason carried by a send error (unknown errors count as `unavailable`). */
export function smsFailureReason(error: unknown): SmsFailureReason {
  if (error instanceof AppError && typeof error.details.reason === 'string')
    return error.details.reason as SmsFailureReason;
  return 'unavailable';
}

/**
 * One HTTP call to a gateway with a deadline. Network failures and timeouts become transient
 * errors: the request may or may not have reached the provider, and a code may be sent twice,
 * which is better than never.
 */
export async function callProvider(
  provider: string,
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    throw smsProviderError({
      provider,
      reason: 'unavailable',
      message: `request failed: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

/** Parses a JSON answer, or returns null: error pages from proxies are often HTML. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
