import type { RevocationStatus } from './revocation.js';

export interface VerifyPdfOptions {
  /** Trust anchors (DER). A signature whose chain reaches none of them is not valid. */
  trustRoots: Uint8Array[];
  /** The time to judge certificate validity when no trusted timestamp gives one (default: now). */
  now?: Date;
  /**
   * Fetches a CRL from a distribution point when the document itself holds no revocation data for
   * the signer (the caller decides whether the network may be used). Returns undefined on failure.
   */
  fetchCrl?: (url: string) => Promise<Uint8Array | undefined>;
}

export interface ChangeReport {
  revision: number;
  verdict: 'allowed' | 'warning' | 'forbidden';
  description: string;
}

export interface SignatureReport {
  /** 1-based, in the order the signatures were applied. */
  index: number;
  fieldName?: string;
  kind: 'certification' | 'approval' | 'document-timestamp';
  subFilter?: string;
  signer?: string;
  /** The claimed signing time (/M), not proof of anything. */
  claimedTime?: string;
  reason?: string;
  integrity: { isByteRangeValid: boolean; isDigestMatching: boolean; isSignatureValid: boolean };
  trust: { isTrusted: boolean; chain: string[] };
  /** DocMDP level of a certification signature. */
  docMdpLevel?: 1 | 2 | 3;
  pades: {
    isPades: boolean;
    hasSigningCertificateV2: boolean;
    hasSigningTime: boolean;
    level?: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  };
  timestamp?: { time?: string; isValid: boolean; isTrusted: boolean; authority?: string };
  revocation: RevocationStatus;
  coversWholeFile: boolean;
  /** 1-based revision this signature signed, and how many came after it. */
  signedRevision: number;
  revisionsAfter: number;
  changes: ChangeReport[];
  isValid: boolean;
  /** Why it is not valid (empty when valid). */
  problems: string[];
  warnings: string[];
}

export interface VerifyPdfReport {
  isValid: boolean;
  revisions: number;
  dss?: { certs: number; ocsps: number; crls: number; vri: number };
  signatures: SignatureReport[];
  problems: string[];
}
