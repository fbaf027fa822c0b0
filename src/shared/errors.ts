/**
 * The error catalogue: every failure that crosses a boundary has a stable code here.
 * Boundaries (HTTP, SMTP, CLI, mail to a sender) map `kind` to their own vocabulary, so a new
 * code only needs a kind and, when a person sees it, an i18n key for its message.
 */

/** How a boundary should treat the error. */
export type ErrorKind =
  | 'invalid' // the caller's mistake: tell them, do not retry
  | 'not_found'
  | 'conflict' // the state changed under the caller
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable' // a dependency or our own fault that a retry may cure
  | 'internal';

export const errorCatalogue = {
  // configuration and start-up
  CONFIG_INVALID: 'internal',
  // storage
  DB_UNAVAILABLE: 'unavailable',
  DB_LOCKED: 'unavailable',
  BLOB_NOT_FOUND: 'not_found',
  BLOB_CORRUPT: 'internal',
  BLOB_UNAVAILABLE: 'unavailable',
  // jobs
  JOB_NOT_FOUND: 'not_found',
  JOB_NOT_RETRYABLE: 'conflict',
  JOB_PAYLOAD_INVALID: 'internal',
  JOB_HANDLER_MISSING: 'internal',
  // accounts
  ACCOUNT_NOT_FOUND: 'not_found',
  ACCOUNT_NAME_INVALID: 'invalid',
  MAILBOX_ADDRESS_INVALID: 'invalid',
  MAILBOX_TAKEN: 'conflict',
  SUBSCRIPTION_DATE_INVALID: 'invalid',
  // web
  HTTP_NOT_FOUND: 'not_found',
  HTTP_BAD_REQUEST: 'invalid',
  // mail
  MAIL_RELAY_UNAVAILABLE: 'unavailable',
  MAIL_RELAY_REJECTED: 'invalid',
  MAIL_OUTBOX_NOT_FOUND: 'not_found',
  MAIL_OUTBOX_BUSY: 'conflict',
  MAIL_CLIENT_NOT_ALLOWED: 'forbidden',
  MAIL_TOO_LARGE: 'invalid',
  MAIL_FILTER_FAILED: 'unavailable',
  // sms
  PHONE_INVALID: 'invalid',
  PHONE_SHORT: 'invalid',
  PHONE_LANDLINE: 'invalid',
  PHONE_SPECIAL: 'invalid',
  SMS_RESEND_TOO_SOON: 'rate_limited',
  SMS_LIMIT_REACHED: 'rate_limited',
  SMS_NUMBER_REJECTED: 'invalid',
  SMS_PROVIDER_UNAVAILABLE: 'unavailable',
  SMS_PROVIDER_FAILED: 'internal',
  SMS_TEXT_INVALID: 'internal',
  SMS_WEBHOOK_SIGNATURE_INVALID: 'forbidden',
  OTP_WRONG_CODE: 'invalid',
  OTP_EXPIRED: 'invalid',
  OTP_TOO_MANY_ATTEMPTS: 'forbidden',
  OTP_NO_CODE: 'conflict',
  // keys
  SEAL_KEY_NOT_CONFIGURED: 'internal',
  SEAL_KEY_UNREADABLE: 'internal',
  SEAL_KEY_PASSPHRASE_WRONG: 'internal',
  SEAL_KEY_INVALID: 'internal',
  SEAL_PKCS11_FAILED: 'unavailable',
  TSA_UNAVAILABLE: 'unavailable',
  PDF_VERIFY_UNREADABLE: 'invalid',
  REVOCATION_UNAVAILABLE: 'unavailable',
  REVOCATION_CERTIFICATE_REVOKED: 'internal',
  // pdf
  PDF_NOT_PDF: 'invalid',
  PDF_DAMAGED: 'invalid',
  PDF_ENCRYPTED_USER_PASSWORD: 'invalid',
  PDF_ENCRYPTED_OWNER_PASSWORD: 'invalid',
  PDF_NO_PAGES: 'invalid',
  PDF_CERTIFIED: 'invalid',
  PDF_DYNAMIC_XFA: 'invalid',
  PDF_PAGE_OUT_OF_RANGE: 'invalid',
  PDF_STAMP_RECT_INVALID: 'invalid',
  PDF_STAMP_IMAGE_INVALID: 'invalid',
  PDF_SIGNATURE_TOO_LARGE: 'internal',
  PDF_OUTPUT_INVALID: 'internal',
  PDF_CERTIFIED_FORBIDS_SEAL: 'invalid',
  // envelopes
  ENVELOPE_NOT_FOUND: 'not_found',
  ENVELOPE_STATE_CONFLICT: 'conflict',
  SIGNER_NOT_CURRENT: 'conflict',
  SIGN_REQUEST_NO_PDF: 'invalid',
  SIGN_REQUEST_NO_SIGNER: 'invalid',
  SIGN_REQUEST_TOO_MANY_SIGNERS: 'invalid',
  SIGN_REQUEST_ATTACHMENT_TOO_LARGE: 'invalid',
  SIGN_REQUEST_SUBSCRIPTION_ENDED: 'forbidden',
  // signing
  SIGNING_LINK_UNKNOWN: 'not_found',
  SIGNING_NOT_YOUR_TURN: 'conflict',
  SIGNING_ENDED: 'conflict',
  SIGNING_CONSENT_REQUIRED: 'invalid',
  SIGNING_CODE_REQUIRED: 'forbidden',
  SIGNING_IMAGE_INVALID: 'invalid',
  SIGNING_PLACEMENT_INVALID: 'invalid',
  SIGNING_PLACEMENT_MISSING: 'invalid',
  SIGNING_RATE_LIMITED: 'rate_limited',
  SIGNING_CSRF_INVALID: 'forbidden',
  SIGNING_CODE_STALE: 'forbidden',
  SIGNING_IMAGE_BLANK: 'invalid',
  // operator CLI
  CLI_ARGUMENT_INVALID: 'invalid',
  // billing
  BILLING_BALANCE_INSUFFICIENT: 'invalid',
  BILLING_CREDIT_INVALID: 'invalid',
  BILLING_CREDIT_CONFLICT: 'conflict',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface AppErrorOptions {
  cause?: unknown;
  /** i18n key of the sentence a person sees; defaults to `error.<CODE>` when the catalogue has it. */
  userMessage?: string;
  /** Interpolation values for the user message, and structured context for logs. */
  details?: Record<string, string | number | boolean | null>;
}

/** An expected failure with a stable code. `message` is for logs; people see `userMessage`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly userMessage: string;
  readonly details: Record<string, string | number | boolean | null>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = errorCatalogue[code];
    this.userMessage = options.userMessage ?? `error.${code}`;
    this.details = options.details ?? {};
  }
}

/**
 * A failure that running the same work again cannot cure: the catalogue's `invalid` kind (the
 * input itself is wrong). The job worker ends such a job at once instead of retrying it.
 */
export function isPermanentError(error: unknown): error is AppError {
  return error instanceof AppError && error.kind === 'invalid';
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
