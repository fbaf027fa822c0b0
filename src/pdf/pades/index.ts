export { type CreateCadesSignatureOptions, createCadesSignature } from './cms.js';
export type { SealKey, TimestampClient } from './types.js';
