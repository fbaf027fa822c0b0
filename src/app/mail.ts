import type { SignRequestHandler } from '../mail/inbound/index.js';
import { AppError } from '../shared/errors.js';
import type { AppContext } from './context.js';

/**
 * The signature-request use case the mail role calls for *SIGN messages from customers. Until the
 * envelopes domain is part of this build, such messages are answered 451: the MTA keeps them
 * queued and delivers them once it is, so nothing is lost and nothing passes through by mistake.
 */
export function signRequestHandler(_ctx: AppContext): SignRequestHandler {
  return async () => {
    throw new AppError('MAIL_FILTER_FAILED', 'signature requests are not available in this build yet');
  };
}
