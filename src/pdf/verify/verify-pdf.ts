import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { checkSignerInfo, type ParsedSignerInfo, parseSignedData } from '../pades/cms-parse.js';
import { child, children, contentOf, decodeOid, rawOf, TAG } from '../pades/der.js';
import { hashByOid, OID } from '../pades/oids.js';
import { checkTimestampToken, type TimestampCheck } from '../pades/tst.js';
import {
  bytesEqual,
  crlDistributionUris,
  formatName,
  type ParsedCertificate,
  parseCertificate,
} from '../pades/x509.js';
import { judgeChange, listChanges } from './changes.js';
import { PdfFile, type Revision } from './pdf-file.js';
import { nameOf, type PdfDict, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf-objects.js';
import { checkCrl, checkOcsp, type RevocationStatus } from './revocation.js';
import { buildChain, signerUsageProblems } from './trust.js';
import type { ChangeReport, SignatureReport, VerifyPdfOptions, VerifyPdfReport } from './types.js';

interface FoundSignature {
  fieldName?: string;
  ref?: number;
  dict: PdfDict;
}

function text(v: PdfValue | undefined): string | undefined {
  return v instanceof PdfString ? v.text() : undefined;
}

/** Signature fields of the final revision, walking the field tree (fields inherit /FT). */
function findSignatures(file: PdfFile, rev: Revision): FoundSignature[] {
  const catalog = file.resolveDict(rev.trailer.get('Root'), rev);
  const acro = file.resolveDict(catalog?.get('AcroForm'), rev);
  const fields = file.resolve(acro?.get('Fields'), rev);
  const out: FoundSignature[] = [];
  const seen = new Set<number>();
  const walk = (items: PdfValue, inheritedFt: string | undefined, prefix: string, depth: number) => {
    if (!Array.isArray(items) || depth > 20) return;
    for (const item of items) {
      if (item instanceof PdfRef) {
        if (seen.has(item.num)) continue;
        seen.add(item.num);
      }
      const field = file.resolveDict(item, rev);
      if (!field) continue;
      const partial = text(field.get('T'));
      const name = partial === undefined ? prefix : prefix ? `${prefix}.${partial}` : partial;
      const ft = nameOf(field.get('FT')) ?? inheritedFt;
      const v = field.get('V');
      if (ft === 'Sig' && v !== undefined) {
        const dict = file.resolveDict(v, rev);
        if (dict)
          out.push({
            ...(name ? { fieldName: name } : {}),
            ...(v instanceof PdfRef ? { ref: v.num } : {}),
            dict,
          });
      }
      const kids = file.resolve(field.get('Kids'), rev);
      if (Array.isArray(kids)) walk(kids, ft, name, depth + 1);
    }
  };
  if (fields) walk(fields, undefined, '', 0);
  return out;
}

function streamsOf(file: PdfFile, rev: Revision, v: PdfValue | undefined): Uint8Array[] {
  const arr = file.resolve(v, rev);
  if (!Array.isArray(arr)) return [];
  return arr.flatMap((item) => {
    const s = file.resolve(item, rev);
    return s instanceof PdfStream ? [new Uint8Array(file.decodeStream(s))] : [];
  });
}

function signingCertificateV2Matches(si: ParsedSignerInfo, certificate: Uint8Array): boolean | undefined {
  const value = si.signedAttrs.get(OID.signingCertificateV2)?.[0];
  if (!value) return undefined;
  try {
    const parts = children(child(child(value, 0), 0));
    // hashAlgorithm is absent when it is the default, SHA-256.
    const algNode = parts[0]?.tag === TAG.SEQUENCE ? parts[0] : undefined;
    const hashName = algNode ? hashByOid[decodeOid(child(algNode, 0))] : 'sha256';
    const certHash = parts[algNode ? 1 : 0];
    if (!hashName || !certHash) return false;
    return bytesEqual(contentOf(certHash), createHash(hashName).update(certificate).digest());
  } catch {
    return false;
  }
}

function describeCert(cert: ParsedCertificate): string {
  return formatName(cert.subject);
}

/**
 * Verifies every signature of a PDF: integrity (byte range digest against messageDigest, CMS
 * signature), the signer's chain to one of `trustRoots`, revocation (DSS data, or a CRL fetched
 * through `fetchCrl`), certification level and what changed after each signature, PAdES baseline
 * properties and the signature timestamp. The file is valid only when every signature is.
 */
export async function verifyPdf(pdfBytes: Uint8Array, options: VerifyPdfOptions): Promise<VerifyPdfReport> {
  let file: PdfFile;
  try {
    file = new PdfFile(pdfBytes);
  } catch (cause) {
    throw new AppError('PDF_VERIFY_UNREADABLE', `not a readable PDF: ${(cause as Error).message}`, { cause });
  }
  const last = file.last;
  const catalog = file.resolveDict(last.trailer.get('Root'), last);
  const perms = file.resolveDict(catalog?.get('Perms'), last);
  const docMdpRef = perms?.get('DocMDP');
  const dssDict = file.resolveDict(catalog?.get('DSS'), last);
  const dssCerts = streamsOf(file, last, dssDict?.get('Certs'));
  const dssOcsps = streamsOf(file, last, dssDict?.get('OCSPs'));
  const dssCrls = streamsOf(file, last, dssDict?.get('CRLs'));
  const vri = file.resolveDict(dssDict?.get('VRI'), last);
  const report: VerifyPdfReport = {
    isValid: false,
    revisions: file.revisions.length,
    ...(dssDict
      ? {
          dss: {
            certs: dssCerts.length,
            ocsps: dssOcsps.length,
            crls: dssCrls.length,
            vri: vri ? vri.map.size : 0,
          },
        }
      : {}),
    signatures: [],
    problems: [],
  };
  const found = findSignatures(file, last)
    .map((s) => {
      const br = file.resolve(s.dict.get('ByteRange'), last);
      const nums = Array.isArray(br) ? br.filter((n): n is number => typeof n === 'number') : [];
      return { ...s, byteRange: nums, coveredEnd: (nums[2] ?? 0) + (nums[3] ?? 0) };
    })
    .sort((a, b) => a.coveredEnd - b.coveredEnd);
  if (found.length === 0) {
    report.problems.push('the document has no signature');
    return report;
  }
  const docTimestampEnds = found
    .filter((s) => nameOf(s.dict.get('SubFilter')) === 'ETSI.RFC3161')
    .map((s) => s.coveredEnd);
  for (const [i, sig] of found.entries()) {
    report.signatures.push(
      await verifyOne({
        file,
        sig,
        index: i + 1,
        options,
        docMdpRef,
        dss: { certs: dssCerts, ocsps: dssOcsps, crls: dssCrls, present: dssDict !== undefined },
        docTimestampEnds,
      }),
    );
  }
  report.isValid = report.signatures.every((s) => s.isValid);
  return report;
}

async function verifyOne(o: {
  file: PdfFile;
  sig: FoundSignature & { byteRange: number[]; coveredEnd: number };
  index: number;
  options: VerifyPdfOptions;
  docMdpRef: PdfValue | undefined;
  dss: { certs: Uint8Array[]; ocsps: Uint8Array[]; crls: Uint8Array[]; present: boolean };
  docTimestampEnds: number[];
}): Promise<SignatureReport> {
  const { file, sig } = o;
  const bytes = file.bytes;
  const problems: string[] = [];
  const warnings: string[] = [];
  const subFilter = nameOf(sig.dict.get('SubFilter'));
  const isDocTimestamp = subFilter === 'ETSI.RFC3161' || nameOf(sig.dict.get('Type')) === 'DocTimeStamp';
  const isCertification = o.docMdpRef instanceof PdfRef && sig.ref === o.docMdpRef.num;
  let docMdpLevel: 1 | 2 | 3 | undefined;
  const refs = o.file.resolve(sig.dict.get('Reference'), file.last);
  for (const r of Array.isArray(refs) ? refs : []) {
    const sigRef = file.resolveDict(r, file.last);
    if (nameOf(sigRef?.get('TransformMethod')) === 'DocMDP') {
      const p = file.resolveDict(sigRef?.get('TransformParams'), file.last)?.get('P');
      docMdpLevel = p === 1 || p === 3 ? p : 2;
    }
  }
  if (isCertification && docMdpLevel === undefined) docMdpLevel = 2;
  if (!isCertification && docMdpLevel !== undefined) {
    warnings.push('a DocMDP reference outside the catalog /Perms is ignored (not a certification)');
    docMdpLevel = undefined;
  }

  // Byte range: [0 a b c], the gap exactly the hex /Contents string.
  const [s0, a, b, c] = sig.byteRange;
  let isByteRangeValid =
    sig.byteRange.length === 4 &&
    s0 === 0 &&
    a !== undefined &&
    b !== undefined &&
    c !== undefined &&
    a > 0 &&
    b > a &&
    b + c <= bytes.length &&
    bytes[a] === 0x3c &&
    bytes[b - 1] === 0x3e;
  if (!isByteRangeValid)
    problems.push('the /ByteRange is malformed or does not frame the /Contents string exactly');
  const ranges = isByteRangeValid
    ? [bytes.subarray(0, a), bytes.subarray(b as number, (b as number) + (c as number))]
    : [];
  const digestOf = (hash: string) => {
    const h = createHash(hash);
    for (const r of ranges) h.update(r);
    return new Uint8Array(h.digest());
  };
  const contents = sig.dict.get('Contents');
  const cms = contents instanceof PdfString ? contents.bytes : new Uint8Array(0);
  const signedRevisionIndex = file.revisions.findIndex(
    (r) => sig.coveredEnd >= r.eofAt + 5 && sig.coveredEnd <= r.end,
  );
  if (isByteRangeValid && signedRevisionIndex < 0) {
    isByteRangeValid = false;
    problems.push('the signed byte range does not end at a revision boundary');
  }
  const coversWholeFile = sig.coveredEnd === bytes.length;
  const revisionsAfter = signedRevisionIndex < 0 ? 0 : file.revisions.length - 1 - signedRevisionIndex;

  let isDigestMatching = false;
  let isSignatureValid = false;
  let signerCert: ParsedCertificate | undefined;
  let pool: Uint8Array[] = [...o.dss.certs];
  let hasSigningCertificateV2 = false;
  let hasSigningTime = false;
  let timestamp: SignatureReport['timestamp'];
  let timestampCheck: TimestampCheck | undefined;
  try {
    if (isDocTimestamp) {
      timestampCheck = checkTimestampToken(cms, { digestOf });
      isDigestMatching = timestampCheck.isImprintMatching;
      isSignatureValid = timestampCheck.isSignatureValid;
      problems.push(...timestampCheck.problems);
      if (timestampCheck.tsaCertificate) signerCert = parseCertificate(timestampCheck.tsaCertificate);
      pool = [...pool, ...timestampCheck.certificates];
    } else {
      const sd = parseSignedData(cms);
      pool = [...pool, ...sd.certificates];
      const si = sd.signerInfos[0];
      if (!si) throw new Error('no SignerInfo');
      if (sd.signerInfos.length > 1)
        warnings.push('the CMS holds more than one SignerInfo; only the first is checked');
      const check = checkSignerInfo({
        signerInfo: si,
        certificates: sd.certificates,
        digestOf,
        content: () => Buffer.concat(ranges),
      });
      isDigestMatching = check.isDigestMatching;
      isSignatureValid = check.isSignatureValid;
      problems.push(...check.problems);
      if (check.certificate) signerCert = parseCertificate(check.certificate);
      hasSigningCertificateV2 = si.signedAttrs.has(OID.signingCertificateV2);
      hasSigningTime = si.signedAttrs.has(OID.signingTime);
      if (
        check.certificate &&
        hasSigningCertificateV2 &&
        signingCertificateV2Matches(si, check.certificate) === false
      )
        problems.push(
          'signing-certificate-v2 names another certificate than the one that signed (certificate substitution)',
        );
      const token = si.unsignedAttrs.get(OID.signatureTimeStampToken)?.[0];
      if (token) {
        const tokenBytes = new Uint8Array(rawOf(token));
        timestampCheck = checkTimestampToken(tokenBytes, {
          digestOf: (hash) => new Uint8Array(createHash(hash).update(si.signature).digest()),
        });
      }
    }
  } catch (error) {
    problems.push(`the signature container cannot be read: ${(error as Error).message}`);
  }
  if (!isByteRangeValid) isDigestMatching = false;

  // Signature timestamp (B-T): imprint over the signature value, TSA signature, TSA trusted.
  let trustedTime: Date | undefined;
  if (timestampCheck && !isDocTimestamp) {
    let tsaTrusted = false;
    if (timestampCheck.tsaCertificate && timestampCheck.genTime) {
      const chain = buildChain({
        leaf: timestampCheck.tsaCertificate,
        pool: [...timestampCheck.certificates, ...o.dss.certs],
        trustRoots: o.options.trustRoots,
        at: timestampCheck.genTime,
      });
      tsaTrusted = chain.isTrusted && chain.problems.length === 0;
      if (!tsaTrusted) warnings.push(`signature timestamp: ${chain.problems.join('; ')}`);
    }
    const isValid = timestampCheck.isImprintMatching && timestampCheck.isSignatureValid;
    if (!isValid) problems.push(...timestampCheck.problems.map((p) => `signature timestamp: ${p}`));
    if (isValid && tsaTrusted && timestampCheck.genTime) trustedTime = timestampCheck.genTime;
    timestamp = {
      ...(timestampCheck.genTime ? { time: timestampCheck.genTime.toISOString() } : {}),
      isValid,
      isTrusted: tsaTrusted,
      ...(timestampCheck.tsaCertificate
        ? { authority: formatName(parseCertificate(timestampCheck.tsaCertificate).subject) }
        : {}),
    };
  }
  if (isDocTimestamp && timestampCheck?.genTime) trustedTime = timestampCheck.genTime;

  // Trust: a path to a root, valid at the trusted time (or now).
  const at = trustedTime ?? o.options.now ?? new Date();
  let isTrusted = false;
  let chainNames: string[] = [];
  let revocation: RevocationStatus = { status: 'unknown', reason: 'no signer certificate' };
  if (signerCert) {
    const chain = buildChain({ leaf: signerCert.der, pool, trustRoots: o.options.trustRoots, at });
    chainNames = chain.path.map(describeCert);
    isTrusted = chain.isTrusted;
    problems.push(...chain.problems);
    if (!isDocTimestamp) problems.push(...signerUsageProblems(signerCert));
    const issuer = chain.path[1];
    revocation = issuer
      ? await revocationOf({ cert: signerCert, issuer, dss: o.dss, fetchCrl: o.options.fetchCrl })
      : { status: 'unknown', reason: 'issuer not found' };
    if (revocation.status === 'revoked') {
      if (trustedTime && revocation.revokedAt > trustedTime)
        warnings.push(
          `the signer certificate was revoked on ${revocation.revokedAt.toISOString()}, after the trusted signing time`,
        );
      else
        problems.push(
          `the signer certificate is revoked (${revocation.source}, since ${revocation.revokedAt.toISOString()})`,
        );
    } else if (revocation.status === 'unknown') warnings.push(`revocation not checked: ${revocation.reason}`);
  }

  // Changes after signing, judged against this signature's certification level.
  const changes: ChangeReport[] = [];
  if (signedRevisionIndex >= 0 && revisionsAfter > 0) {
    for (const change of listChanges(file, signedRevisionIndex)) {
      if (change.kind === 'new-object' || change.kind === 'unchanged-rewrite') continue;
      const verdict = docMdpLevel ? judgeChange(change, docMdpLevel) : 'allowed';
      changes.push({ revision: change.revision, verdict, description: change.description });
    }
    const forbidden = changes.filter((ch) => ch.verdict === 'forbidden');
    if (forbidden.length > 0)
      problems.push(
        `changes after certification are not permitted by DocMDP P=${docMdpLevel}: ${[...new Set(forbidden.map((f) => f.description))].join('; ')}`,
      );
    const warned = changes.filter((ch) => ch.verdict === 'warning');
    if (warned.length > 0)
      warnings.push(
        `modified after signing (tolerated): ${[...new Set(warned.map((w) => w.description))].join('; ')}`,
      );
  }

  const isPades = subFilter === 'ETSI.CAdES.detached' && hasSigningCertificateV2 && !hasSigningTime;
  if (!isDocTimestamp && !isPades)
    warnings.push(
      subFilter === 'ETSI.CAdES.detached'
        ? `not a PAdES baseline signature (${hasSigningTime ? 'CMS signingTime present' : 'signing-certificate-v2 missing'})`
        : `${subFilter ?? 'no SubFilter'}: not a PAdES baseline signature`,
    );
  let level: SignatureReport['pades']['level'];
  if (isPades) {
    level = 'B-B';
    if (timestamp?.isValid) level = 'B-T';
    const hasRevocationInDss = o.dss.present && (o.dss.crls.length > 0 || o.dss.ocsps.length > 0);
    if (level === 'B-T' && hasRevocationInDss) level = 'B-LT';
    if (level === 'B-LT' && o.docTimestampEnds.some((end) => end > sig.coveredEnd)) level = 'B-LTA';
  }
  const isValid =
    problems.length === 0 && isByteRangeValid && isDigestMatching && isSignatureValid && isTrusted;
  const claimed = text(sig.dict.get('M'));
  const reason = text(sig.dict.get('Reason'));
  return {
    index: o.index,
    ...(sig.fieldName ? { fieldName: sig.fieldName } : {}),
    kind: isDocTimestamp ? 'document-timestamp' : isCertification ? 'certification' : 'approval',
    ...(subFilter ? { subFilter } : {}),
    ...(signerCert ? { signer: describeCert(signerCert) } : {}),
    ...(claimed ? { claimedTime: claimed } : {}),
    ...(reason ? { reason } : {}),
    integrity: { isByteRangeValid, isDigestMatching, isSignatureValid },
    trust: { isTrusted, chain: chainNames },
    ...(docMdpLevel ? { docMdpLevel } : {}),
    pades: { isPades, hasSigningCertificateV2, hasSigningTime, ...(level ? { level } : {}) },
    ...(timestamp ? { timestamp } : {}),
    revocation,
    coversWholeFile,
    signedRevision: signedRevisionIndex + 1,
    revisionsAfter,
    changes,
    isValid,
    problems: [...new Set(problems)],
    warnings,
  };
}

async function revocationOf(o: {
  cert: ParsedCertificate;
  issuer: ParsedCertificate;
  dss: { ocsps: Uint8Array[]; crls: Uint8Array[] };
  fetchCrl: VerifyPdfOptions['fetchCrl'];
}): Promise<RevocationStatus> {
  const answers: RevocationStatus[] = [];
  for (const r of o.dss.ocsps) {
    const s = checkOcsp(r, o.cert, o.issuer);
    if (s)
      answers.push({
        ...s,
        ...(s.status !== 'unknown' ? { source: `DSS ${s.source}` } : {}),
      } as RevocationStatus);
  }
  for (const r of o.dss.crls) {
    const s = checkCrl(r, o.cert, o.issuer);
    if (s)
      answers.push({
        ...s,
        ...(s.status !== 'unknown' ? { source: `DSS ${s.source}` } : {}),
      } as RevocationStatus);
  }
  if (answers.length === 0 && o.fetchCrl) {
    for (const url of crlDistributionUris(o.cert)) {
      const crl = await o.fetchCrl(url);
      const s = crl ? checkCrl(crl, o.cert, o.issuer) : undefined;
      if (s) {
        answers.push(s.status === 'unknown' ? s : ({ ...s, source: `CRL ${url}` } as RevocationStatus));
        break;
      }
    }
  }
  return (
    answers.find((a) => a.status === 'revoked') ??
    answers.find((a) => a.status === 'good') ??
    answers[0] ?? {
      status: 'unknown',
      reason: o.fetchCrl
        ? 'no revocation data in the document and no CRL could be fetched'
        : 'no revocation data in the document (online checks disabled)',
    }
  );
}
