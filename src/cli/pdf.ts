import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  createTsaClient,
  describeTrustAnchors,
  extendLtv,
  fetchCrlOverHttp,
  loadSealKey,
  resolveTrustAnchors,
  type TrustAnchors,
} from '../keys/index.js';
import { sealDocument } from '../pdf/index.js';
import type { SignatureReport, VerifyPdfReport } from '../pdf/verify/index.js';
import { verifyPdf } from '../pdf/verify/index.js';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import {
  type CliDeps,
  cliMailAddress,
  cliReadableFile,
  cliWritableFile,
  parseArguments,
  reportAndExit,
} from './run.js';

const collect = (value: string, previous: string[]) => [...previous, value];

function readInput(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (cause) {
    throw new AppError('PDF_VERIFY_UNREADABLE', `cannot read ${file}`, { cause });
  }
}

function parseRect(value: string): { x: number; y: number; width: number; height: number } {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)))
    throw new AppError('PDF_STAMP_RECT_INVALID', `--rect wants x,y,w,h in PDF points, got "${value}"`);
  const [x = 0, y = 0, width = 0, height = 0] = parts;
  return { x, y, width, height };
}

const VerifyArgs = z.object({ '<file>': cliReadableFile, '--trust': z.array(cliReadableFile) });
const SealArgs = z.object({
  '<in>': cliReadableFile,
  '--output': cliWritableFile,
  '--signer-email': cliMailAddress,
  '--stamp': cliReadableFile.optional(),
  '--page': z
    .string()
    .regex(/^[1-9]\d*$/, { error: 'expected a page number from 1' })
    .transform(Number),
  '--rect': z.string().transform((value, ctx) => {
    try {
      return parseRect(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected x,y,w,h in PDF points' });
      return z.NEVER;
    }
  }),
});

const mark = (ok: boolean) => (ok ? 'yes' : 'NO');

/** A person-readable report, one block per signature. */
export function formatVerifyReport(file: string, report: VerifyPdfReport, anchors: TrustAnchors): string {
  const out: string[] = [`File: ${file} (${report.revisions} revision(s))`, describeTrustAnchors(anchors)];
  if (report.dss)
    out.push(
      `DSS: ${report.dss.certs} cert(s), ${report.dss.ocsps} OCSP, ${report.dss.crls} CRL, ${report.dss.vri} VRI`,
    );
  for (const p of report.problems) out.push(`! ${p}`);
  for (const s of report.signatures) out.push(...formatSignature(s, anchors));
  // A seal that chains only to the dev CA is valid here and worth nothing anywhere else: say so.
  const isTestOnly = anchors.isTest && report.signatures.some((s) => s.trust.isTrusted);
  out.push(
    `VERDICT: ${report.isValid ? 'VALID' : 'INVALID'}${isTestOnly ? ' (TEST dev CA, not trusted)' : ''}`,
  );
  return `${out.join('\n')}\n`;
}

function formatSignature(s: SignatureReport, anchors: TrustAnchors): string[] {
  const testMark = anchors.isTest && s.trust.isTrusted ? ' — by the TEST dev CA only' : '';
  const kind = s.kind === 'certification' ? `certification (DocMDP P=${s.docMdpLevel})` : s.kind;
  const lines = [
    '',
    `Signature #${s.index}${s.fieldName ? ` "${s.fieldName}"` : ''}: ${kind}, ${s.subFilter ?? 'no SubFilter'} — ${s.isValid ? 'VALID' : 'INVALID'}`,
    `  signer:       ${s.signer ?? 'unknown'}`,
    `  integrity:    byte range ${mark(s.integrity.isByteRangeValid)}, digest ${mark(s.integrity.isDigestMatching)}, signature ${mark(s.integrity.isSignatureValid)}`,
    `  trusted:      ${mark(s.trust.isTrusted)}${testMark}${s.trust.chain.length > 1 ? ` (${s.trust.chain.slice(1).join(' → ')})` : ''}`,
    `  revocation:   ${s.revocation.status === 'unknown' ? `unknown (${s.revocation.reason})` : `${s.revocation.status} (${s.revocation.source})`}`,
  ];
  if (s.kind !== 'document-timestamp')
    lines.push(
      `  PAdES:        ${s.pades.isPades ? `yes, ${s.pades.level}` : 'no'} (signing-certificate-v2 ${mark(s.pades.hasSigningCertificateV2)}, signingTime ${s.pades.hasSigningTime ? 'PRESENT' : 'absent'})`,
      `  timestamp:    ${s.timestamp ? `${s.timestamp.time ?? '?'} ${s.timestamp.isValid ? 'verified' : 'INVALID'}${s.timestamp.isTrusted ? ', TSA trusted' : ', TSA not trusted'}` : 'none'}`,
    );
  if (s.claimedTime) lines.push(`  claimed time: ${s.claimedTime}`);
  lines.push(
    `  coverage:     ${s.coversWholeFile ? 'whole file' : `revision ${s.signedRevision}, ${s.revisionsAfter} revision(s) after it`}`,
  );
  for (const c of s.changes) lines.push(`    rev ${c.revision} ${c.verdict}: ${c.description}`);
  for (const p of s.problems) lines.push(`  ! ${p}`);
  for (const w of s.warnings) lines.push(`  ~ ${w}`);
  return lines;
}

/**
 * `paraphe seal` and `paraphe verify`. Neither needs the database: they take the configuration only
 * (`getConfig`, replaceable in tests).
 */
export function registerPdfCommands(program: Command, deps: CliDeps): void {
  const { io, getConfig } = deps;
  program
    .command('verify')
    .description('verify every signature of a PDF (exit 0 only when all are valid)')
    .argument('<file>', 'the PDF to check')
    .option(
      '--trust <root.pem>',
      'a trusted root certificate, PEM (repeatable; default in dev: the dev CA)',
      collect,
      [],
    )
    .option('--offline', 'do not fetch CRLs from the network')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { trust: string[]; offline?: boolean; json?: boolean }) => {
      try {
        parseArguments(VerifyArgs, { '<file>': file, '--trust': options.trust });
        const anchors = resolveTrustAnchors(options.trust, () => {
          const config = getConfig();
          return {
            verifyTrustPaths: config.seal.verifyTrustPaths,
            isDev: config.isDev,
            dataDir: config.dataDir,
          };
        });
        const report = await verifyPdf(readInput(file), {
          trustRoots: anchors.roots,
          ...(options.offline ? {} : { fetchCrl: (url) => fetchCrlOverHttp(url) }),
        });
        io.out(
          options.json
            ? `${JSON.stringify({ ...report, trustAnchors: { source: anchors.source, files: anchors.files, isTest: anchors.isTest } }, null, 2)}\n`
            : formatVerifyReport(file, report, anchors),
        );
        io.setExitCode(report.isValid ? 0 : 1);
      } catch (error) {
        reportAndExit(io, error);
      }
    });

  program
    .command('seal')
    .description('stamp (optional), add the evidence page and seal a PDF with the configured key')
    .argument('<in>', 'the PDF to seal')
    .requiredOption('-o, --output <out>', 'where to write the sealed PDF')
    .option('--stamp <signature.png>', 'a signature image to draw')
    .option('--page <n>', 'page of the stamp (1-based)', '1')
    .option(
      '--rect <x,y,w,h>',
      'stamp rectangle in points, from the top-left corner of the page as displayed (y downwards)',
      '50,50,180,60',
    )
    .option(
      '--signer-name <name>',
      'name printed under the stamp and on the evidence page',
      'Paraphe operator',
    )
    .option('--signer-email <email>', 'email on the evidence page', 'operator@localhost')
    .action(
      async (
        input: string,
        options: {
          output: string;
          stamp?: string;
          page: string;
          rect: string;
          signerName: string;
          signerEmail: string;
        },
      ) => {
        let close: (() => void) | undefined;
        try {
          const args = parseArguments(SealArgs, {
            '<in>': input,
            '--output': options.output,
            '--signer-email': options.signerEmail,
            '--stamp': options.stamp,
            '--page': options.page,
            '--rect': options.rect,
          });
          const config = getConfig();
          const pdfBytes = readInput(input);
          const key = await loadSealKey({
            settings: config.seal,
            dataDir: config.dataDir,
            isDev: config.isDev,
          });
          close = key.close;
          const now = new Date();
          const locale = config.seal.evidenceLocales[0] ?? 'fr';
          const timestamp =
            config.seal.level !== 'B-B' && config.seal.tsaUrls.length > 0
              ? createTsaClient({ urls: config.seal.tsaUrls })
              : undefined;
          const name = path.basename(input);
          const stamps = options.stamp
            ? [
                {
                  page: args['--page'],
                  rect: args['--rect'],
                  imagePng: new Uint8Array(readFileSync(options.stamp)),
                  signerName: options.signerName,
                  signedAt: now,
                },
              ]
            : [];
          const sealed = await sealDocument({
            pdfBytes,
            fileName: name,
            stamps,
            evidence: {
              envelopeId: `cli-${randomUUID()}`,
              documents: [{ name, sha256: createHash('sha256').update(pdfBytes).digest('hex') }],
              sender: { name: null, email: options.signerEmail },
              signers: stamps.length
                ? [
                    {
                      name: options.signerName,
                      email: options.signerEmail,
                      phoneMasked: null,
                      codeConfirmedAt: null,
                      ip: null,
                      userAgent: 'paraphe seal (CLI)',
                      signedAt: now,
                      placements: [{ documentName: name, pages: [args['--page']] }],
                    },
                  ]
                : [],
              events: [{ at: now, type: 'seal.cli', actor: 'operator', detail: null }],
            },
            seal: {
              key,
              reason: config.seal.reason ?? t(locale, 'keys.seal.defaultReason'),
              location: config.seal.location ?? '',
              contactInfo: config.seal.contactInfo ?? '',
              docMdpPermissions: config.seal.docMdpLevel,
              ...(timestamp ? { timestamp } : {}),
              locale,
              signingTime: now,
            },
          });
          const { level } = config.seal;
          const output =
            level === 'B-LT' || level === 'B-LTA'
              ? await extendLtv(sealed.pdfBytes, {
                  level,
                  ...(timestamp ? { timestamp } : {}),
                  extraCertificates: [key.certificate, ...key.chain],
                })
              : sealed;
          writeFileSync(options.output, output.pdfBytes);
          const subject = new X509Certificate(key.certificate).subject.replace(/\n/g, ', ');
          io.out(
            `sealed ${input} -> ${options.output} (${sealed.kind}, PAdES ${level}, ${output.pdfBytes.length} bytes, sha256 ${output.sha256})\n  key: ${subject}${key.isTestKey ? ' [TEST KEY — not trusted]' : ''}\n  timestamp: ${timestamp ? 'yes' : 'no (PARAPHE_TSA_URLS not set)'}\n`,
          );
        } catch (error) {
          close?.();
          reportAndExit(io, error);
        }
        close?.();
      },
    );
}
