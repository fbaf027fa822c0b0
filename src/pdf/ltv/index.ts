export { addDocumentTimestamp } from './add-document-timestamp.js';
export { addValidationData, type ValidationData, type VriEntry, vriKey } from './add-validation-data.js';
export { certificatePathsOf } from './certificate-paths.js';
export { listSignatureContents, type SignatureContents } from './list-signature-contents.js';
export { newestTimestampExpiry } from './timestamp-expiry.js';
