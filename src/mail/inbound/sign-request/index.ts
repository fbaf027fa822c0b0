export { analyseMessage, looksLikePdf } from './analyse-message.js';
export { dedupeKeyOf, handleSignRequest } from './handle-sign-request.js';
export type { LinkBlock } from './mime/link-block.js';
export { type RewriteMode, type RewriteResult, rewriteMessage } from './mime/rewrite-message.js';
export { decodeSubject, stripMarker, subjectHasMarker } from './mime/subject.js';
export type {
  SignRequestConfig,
  SignRequestDeps,
  SignRequestInput,
  SignRequestOutcome,
} from './types.js';
