import { handleSignRequest, type SignRequestHandler } from '../mail/inbound/index.js';
import { inspectPdf } from '../pdf/index.js';
import type { AppContext } from './context.js';

/** The signature-request use case with its dependencies bound, for the mail role. */
export function signRequestHandler(ctx: AppContext): SignRequestHandler {
  const deps = {
    db: ctx.db,
    blobs: ctx.blobs,
    clock: ctx.clock,
    ids: ctx.ids,
    inspectPdf,
    config: ctx.config.envelopes,
    billing: ctx.billing,
  };
  return (input) => handleSignRequest(deps, input);
}
