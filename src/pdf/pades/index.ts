export { type CreateCadesSignatureOptions, createCadesSignature } from './cms.js';
export { checkSignerInfo, type ParsedSignedData, parseSignedData, sha } from './cms-parse.js';
export {
  child,
  children,
  contentOf,
  type DerNode,
  decodeInteger,
  decodeOid,
  decodeString,
  der,
  parseDer,
  rawOf,
  readTlv,
  TAG,
} from './der.js';
export { OID } from './oids.js';
export { checkTimestampToken, type TimestampCheck } from './tst.js';
export type { SealKey, SealLevel, TimestampClient } from './types.js';
export {
  bytesEqual,
  caIssuerUris,
  crlDistributionUris,
  extendedKeyUsages,
  formatName,
  ocspUris,
  type ParsedCertificate,
  parseCertificate,
} from './x509.js';
