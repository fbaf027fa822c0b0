import type { SignRequestHandler } from '../mail/inbound/index.js';
import { handleSignRequest } from '../mail/inbound/sign-request/index.js';
import { inspectPdf } from '../pdf/index.js';
import type { AppContext } from './context.js';

/** The signature-request use case the mail role calls for *SIGN messages from customers. */
export function signRequestHandler(ctx: AppContext): SignRequestHandler {
  return (input) =>
    handleSignRequest(
      {
        db: ctx.db,
        blobs: ctx.blobs,
        clock: ctx.clock,
        ids: ctx.ids,
        inspectPdf,
        config: ctx.config.envelopes,
      },
      input,
    );
}
