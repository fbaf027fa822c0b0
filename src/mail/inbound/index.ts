export {
  type FilterDeps,
  type FilterResult,
  filterMessage,
  type IncomingMessage,
  type RecipientReply,
} from './filter-message.js';
export { decodedSubject, decodeEncodedWords, findHeaderEnd, hasSignMarker, headerValues } from './headers.js';
export { type ListenerOptions, type MailListener, startMailListener } from './listener.js';
export { devMailboxNextHop, type NextHop, relayNextHop } from './next-hop.js';
export { handleSignRequest } from './sign-request/index.js';
export type { SignRequestHandler, SignRequestInput, SignRequestOutcome } from './sign-request-port.js';
export {
  type MailRole,
  type MailRoleConfig,
  type MailRoleContext,
  startMailRole,
} from './start-mail-role.js';
