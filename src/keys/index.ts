export { orderChain, readPemCertificates, toPem } from './certificates.js';
export { collectValidationData, type FetchRevocation } from './collect-validation-data.js';
export { devSealRoot, ensureDevSealKey, testMarker } from './dev-seal-key.js';
export { extendLtv } from './extend-ltv.js';
export { fetchCrlOverHttp } from './fetch-crl.js';
export { keyObjectSealKey } from './key-object-seal-key.js';
export { loadSealKey, type SealKeySettings } from './load-seal-key.js';
export { openPkcs11SealKey, type Pkcs11Options, type Pkcs11SealKey } from './pkcs11-seal-key.js';
export { readPkcs12 } from './pkcs12.js';
export { fetchRevocationData, type RevocationData } from './revocation-client.js';
export {
  describeTrustAnchors,
  resolveTrustAnchors,
  type TrustAnchors,
  type TrustSettings,
} from './trust-anchors.js';
export { createTsaClient, type TsaClientOptions } from './tsa-client.js';
