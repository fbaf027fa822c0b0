import { checkSignerInfo, parseSignedData, sha } from './cms-parse.js';
import {
  child,
  children,
  contentOf,
  type DerNode,
  decodeInteger,
  decodeOid,
  decodeTime,
  parseDer,
  TAG,
} from './der.js';
import { hashByOid, OID } from './oids.js';
import { bytesEqual } from './x509.js';

export interface TimestampCheck {
  genTime?: Date;
  /** The imprint in the token equals the expected one (signature value or byte ranges). */
  isImprintMatching: boolean;
  /** The TSA's signature over the token verifies. */
  isSignatureValid: boolean;
  nonce?: bigint;
  tsaCertificate?: Uint8Array;
  certificates: Uint8Array[];
  problems: string[];
}

/**
 * Checks an RFC 3161 TimeStampToken: its TSTInfo's imprint against `data` (hashed with the
 * token's own algorithm), and the TSA's CMS signature over TSTInfo. Trust in the TSA is the caller's.
 */
export function checkTimestampToken(
  token: Uint8Array,
  data: { digestOf: (hash: string) => Uint8Array },
): TimestampCheck {
  const problems: string[] = [];
  let sd: ReturnType<typeof parseSignedData>;
  try {
    sd = parseSignedData(token);
  } catch (error) {
    return {
      isImprintMatching: false,
      isSignatureValid: false,
      certificates: [],
      problems: [`timestamp token unreadable: ${(error as Error).message}`],
    };
  }
  if (sd.eContentType !== OID.tstInfo || !sd.eContent) {
    return {
      isImprintMatching: false,
      isSignatureValid: false,
      certificates: sd.certificates,
      problems: ['timestamp token does not hold a TSTInfo'],
    };
  }
  const tst = parseDer(sd.eContent);
  const f = children(tst);
  const imprint = f[2] as DerNode;
  const hash = hashByOid[decodeOid(child(child(imprint, 0), 0))];
  const hashed = contentOf(child(imprint, 1));
  const isImprintMatching = hash !== undefined && bytesEqual(hashed, data.digestOf(hash));
  if (!isImprintMatching) problems.push('timestamp imprint does not match the timestamped data');
  const genTime = decodeTime(f[4] as DerNode);
  const nonceNode = f.slice(5).find((n) => n.tag === TAG.INTEGER);
  const signerInfo = sd.signerInfos[0];
  let isSignatureValid = false;
  let tsaCertificate: Uint8Array | undefined;
  if (signerInfo) {
    const eContent = sd.eContent;
    const check = checkSignerInfo({
      signerInfo,
      certificates: sd.certificates,
      digestOf: (h) => sha(h, eContent),
    });
    isSignatureValid = check.isDigestMatching && check.isSignatureValid;
    tsaCertificate = check.certificate;
    problems.push(...check.problems.map((p) => `timestamp: ${p}`));
  } else problems.push('timestamp token has no signer');
  return {
    genTime,
    isImprintMatching,
    isSignatureValid,
    ...(nonceNode ? { nonce: decodeInteger(nonceNode) } : {}),
    ...(tsaCertificate ? { tsaCertificate } : {}),
    certificates: sd.certificates,
    problems,
  };
}
