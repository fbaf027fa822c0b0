import { hasMessage, type Locale, t } from '../../shared/i18n/index.js';
import type { DrawFont, Fonts } from '../core/fonts.js';
import { type FontKey, num, showText } from '../core/text.js';
import { qrDrawing, qrModules } from './qr.js';

/** What the evidence page and the embedded evidence.json record about an envelope. Times are UTC. */
export interface Evidence {
  envelopeId: string;
  documents: Array<{ name: string /** hex SHA-256 of the original as received */; sha256: string }>;
  sender: { name: string | null; email: string };
  signers: Array<{
    name: string;
    email: string;
    /** Already masked by the caller, e.g. "+33 6•• •• •• 42". */
    phoneMasked: string | null;
    codeConfirmedAt: Date | null;
    ip: string | null;
    userAgent: string | null;
    signedAt: Date;
    /** Where this signer's signature was placed: document name → 1-based pages. */
    placements: Array<{ documentName: string; pages: number[] }>;
  }>;
  events: Array<{ at: Date; type: string; actor: string | null; detail: string | null }>;
  /**
   * The public verification page for this document, printed with a QR code. It carries the
   * original's SHA-256: the sealed file's own hash is not known until it is sealed.
   */
  verificationUrl?: string;
}

/** Facts the seal adds to the evidence (known only when sealing). */
export interface SealFacts {
  sealedAt: Date;
  kind: 'certification' | 'approval';
  isTestKey: boolean;
  /** Signature fields already present in the input (kept valid), when the seal is an approval. */
  existingSignatures: number;
}

const A4: [number, number] = [595.28, 841.89];
/** Side of the QR code on the evidence page, in points. */
const QR_SIZE = 72;
const MARGIN = 50;

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

interface Line {
  text: string;
  font: DrawFont;
  size: number;
  indent: number;
  color?: string;
  gapBefore?: number;
  /** A QR code drawn in this line's place (its height is `size` points). */
  qr?: boolean[][];
}

function lines(o0: {
  evidence: Evidence;
  facts: SealFacts;
  locale: Locale;
  width: number;
  fonts: Fonts;
}): Line[] {
  const { evidence, facts, locale, width, fonts } = o0;
  const out: Line[] = [];
  const para = (text: string, o: Partial<Omit<Line, 'font'>> & { font?: FontKey } = {}) => {
    const font = fonts.choose(text, o.font ?? 'regular');
    const size = o.size ?? 9;
    const indent = o.indent ?? 0;
    fonts.wrap(text, width - indent, size, font).forEach((textLine, i) => {
      out.push({ text: textLine, font, size, indent, color: o.color, gapBefore: i === 0 ? o.gapBefore : 0 });
    });
  };
  const labelled = (key: string) => (hasMessage(key) ? t(locale, key) : undefined);
  const heading = (key: string) => para(t(locale, key), { font: 'bold', size: 11, gapBefore: 10 });
  const sep = locale === 'fr' ? ' : ' : ': ';
  const field = (key: string, value: string, indent = 12) =>
    para(`${t(locale, key)}${sep}${value}`, { indent });
  para(t(locale, 'pdf.evidence.title'), { font: 'bold', size: 16 });
  if (facts.isTestKey)
    para(t(locale, 'pdf.evidence.testWarning'), { font: 'bold', size: 10, color: '0.8 0 0', gapBefore: 6 });
  para(`${t(locale, 'pdf.evidence.envelope')}${sep}${evidence.envelopeId}`, { gapBefore: 6 });
  field('pdf.evidence.sealedAt', utc(facts.sealedAt), 0);
  if (facts.kind === 'approval') para(t(locale, 'pdf.evidence.approvalNote'), { gapBefore: 4 });
  heading('pdf.evidence.documents');
  for (const doc of evidence.documents) {
    para(doc.name, { indent: 12, font: 'bold', gapBefore: 2 });
    para(`${t(locale, 'pdf.evidence.sha256')}${sep.trimEnd()}`, { indent: 12 });
    para(doc.sha256, { indent: 12, font: 'mono', size: 8 });
  }
  heading('pdf.evidence.sender');
  para(evidence.sender.name ? `${evidence.sender.name} <${evidence.sender.email}>` : evidence.sender.email, {
    indent: 12,
  });
  heading('pdf.evidence.signers');
  for (const signer of evidence.signers) {
    para(signer.name, { indent: 12, font: 'bold', gapBefore: 4 });
    field('pdf.evidence.email', signer.email, 24);
    if (signer.phoneMasked) field('pdf.evidence.phone', signer.phoneMasked, 24);
    field(
      'pdf.evidence.codeConfirmedAt',
      signer.codeConfirmedAt ? utc(signer.codeConfirmedAt) : t(locale, 'pdf.evidence.notConfirmed'),
      24,
    );
    if (signer.ip) field('pdf.evidence.ip', signer.ip, 24);
    if (signer.userAgent) field('pdf.evidence.userAgent', signer.userAgent, 24);
    field('pdf.evidence.signedAt', utc(signer.signedAt), 24);
    for (const placement of signer.placements) {
      field(
        'pdf.evidence.pages',
        t(locale, 'pdf.evidence.pagesOf', {
          document: placement.documentName,
          pages: placement.pages.join(', '),
          count: placement.pages.length,
        }),
        24,
      );
    }
  }
  heading('pdf.evidence.events');
  for (const event of [...evidence.events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    // The label for people, then the code as evidence.json and the audit table spell it; an actor
    // may also be an address, shown as is.
    const label = labelled(`audit.event.${event.type}`);
    const what = label ? `${label} (${event.type})` : event.type;
    const who = event.actor ? ` — ${labelled(`audit.actor.${event.actor}`) ?? event.actor}` : '';
    const detail = event.detail ? ` — ${event.detail}` : '';
    para(`${utc(event.at)}  ${what}${who}${detail}`, { indent: 12, size: 8 });
  }
  heading('pdf.evidence.howToVerify');
  para(t(locale, 'pdf.evidence.howToVerifyText'), { indent: 12 });
  if (evidence.verificationUrl) {
    para(`${t(locale, 'pdf.evidence.verifyAt')}${sep.trimEnd()}`, { indent: 12, gapBefore: 4 });
    para(evidence.verificationUrl, { indent: 12, font: 'mono', size: 8 });
    // About 25 mm wide whatever the version: phones read it from a printed page.
    out.push({
      text: '',
      font: 'regular',
      size: QR_SIZE / 1.3,
      indent: 12,
      gapBefore: 12,
      qr: qrModules(evidence.verificationUrl),
    });
  }
  return out;
}

const FONT_RESOURCE: Record<DrawFont, string> = { regular: '/F1', bold: '/F2', mono: '/F3', unicode: '/F4' };

/**
 * Lays the evidence out on as many A4 pages as it needs. Returns one content stream per page; the
 * fonts are /F1 (Helvetica), /F2 (Helvetica-Bold), /F3 (Courier), /F4 (the Unicode font, if any).
 */
export function renderEvidencePages(o: {
  evidence: Evidence;
  facts: SealFacts;
  locale: Locale;
  fonts: Fonts;
}): {
  size: [number, number];
  contents: string[];
} {
  const [pageWidth, pageHeight] = A4;
  const { fonts } = o;
  const all = lines({ ...o, width: pageWidth - 2 * MARGIN });
  const pages: string[] = [];
  let content = '';
  let y = pageHeight - MARGIN;
  const footer = (n: number) =>
    `BT /F1 8 Tf 0.4 0.4 0.4 rg 1 0 0 1 ${num(MARGIN)} ${num(MARGIN / 2)} Tm ${showText(
      `${o.evidence.envelopeId} — ${t(o.locale, 'pdf.evidence.page', { page: n })}`,
    )} Tj ET\n`;
  const flush = () => {
    pages.push(content + footer(pages.length + 1));
    content = '';
    y = pageHeight - MARGIN;
  };
  for (const line of all) {
    const advance = line.size * 1.3 + (line.gapBefore ?? 0);
    if (y - advance < MARGIN) {
      flush();
      const title = t(o.locale, 'pdf.evidence.continued');
      content += `BT /F2 11 Tf 0 0 0 rg 1 0 0 1 ${num(MARGIN)} ${num(y - 11)} Tm ${showText(title, 'bold')} Tj ET\n`;
      y -= 11 * 1.3 + 6;
    }
    y -= advance;
    if (line.qr) {
      const moduleSize = QR_SIZE / line.qr.length;
      content += qrDrawing({ modules: line.qr, x: MARGIN + line.indent, top: y + QR_SIZE, moduleSize });
      continue;
    }
    content += `BT ${FONT_RESOURCE[line.font]} ${num(line.size)} Tf ${line.color ?? '0 0 0'} rg 1 0 0 1 ${num(
      MARGIN + line.indent,
    )} ${num(y)} Tm ${fonts.show(line.text, line.font)} Tj ET\n`;
  }
  flush();
  return { size: A4, contents: pages };
}

/** The evidence as the JSON attached to the PDF (dates as ISO 8601 UTC). */
export function evidenceJson(evidence: Evidence, facts: SealFacts): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify({ version: 1, ...evidence, seal: facts }, null, 2)}\n`);
}
