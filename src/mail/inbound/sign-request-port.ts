import type { SignRequestInput, SignRequestOutcome } from './sign-request/index.js';

export type { SignRequestInput, SignRequestOutcome } from './sign-request/index.js';

/**
 * The use case behind a *SIGN message (handleSignRequest with its dependencies bound). When it
 * resolves, everything is durable (envelope, copies in the outbox, or the reply to the sender),
 * so the filter answers 250 for every recipient; when it throws, 451 and the MTA retries.
 */
export type SignRequestHandler = (input: SignRequestInput) => Promise<SignRequestOutcome>;
