import type { EnvelopeStatus } from '../../envelopes/index.js';
import { type Locale, t } from '../../shared/i18n/index.js';
import type { DocumentVerdict, EnvelopeMatch } from '../../verification/index.js';
import { html, type SafeHtml } from '../views/html.js';

/** What the page answers: a verdict on a file, the envelopes a hash matches, or a form problem. */
export type VerifierResult =
  | { kind: 'file'; verdict: DocumentVerdict }
  | { kind: 'hash'; sha256: string; envelopes: EnvelopeMatch[] }
  | { kind: 'problem'; key: 'verify.form.empty' | 'verify.form.badHash' };

/** One sentence per envelope status: a Record, so a new status cannot reach the page unnamed. */
const STATUS_KEY: Record<EnvelopeStatus, string> = {
  pending: 'verify.status.pending',
  sealing: 'verify.status.sealing',
  completed: 'verify.status.completed',
  declined: 'verify.status.declined',
  expired: 'verify.status.expired',
  cancelled: 'verify.status.cancelled',
  seal_failed: 'verify.status.sealFailed',
};

/** Dates in the reader's language, always in UTC (the evidence page's time zone). */
export function formatUtc(locale: Locale, date: Date): string {
  const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  return `${format.format(date)} UTC`;
}

function row(label: string, value: SafeHtml | string): SafeHtml {
  return html`<dt>${label}</dt><dd>${value}</dd>`;
}

function envelopeList(locale: Locale, envelopes: EnvelopeMatch[]): SafeHtml {
  if (envelopes.length === 0) return html``;
  return html`<h3>${t(locale, 'verify.envelope.title', { count: envelopes.length })}</h3>
${envelopes.map(
  (e) => html`<dl class="facts card">
${e.subject === null ? '' : row(t(locale, 'verify.envelope.subject'), e.subject)}
${e.fileName === null ? '' : row(t(locale, 'verify.envelope.file'), e.fileName)}
${row(t(locale, 'verify.envelope.which'), t(locale, `verify.envelope.which.${e.which}`))}
${row(t(locale, 'verify.envelope.sent'), formatUtc(locale, e.createdAt))}
${row(t(locale, 'verify.envelope.status'), t(locale, STATUS_KEY[e.status]))}
${row(t(locale, 'verify.envelope.signers'), e.signers.join(', '))}
</dl>`,
)}
${envelopes.some((e) => e.subject === null) ? html`<p class="hint">${t(locale, 'verify.envelope.masked')}</p>` : ''}`;
}

function trustSentence(verdict: Extract<DocumentVerdict, { status: 'sealed' }>): string {
  if (verdict.isTestKey) return 'verify.seal.trust.test';
  return verdict.isTrusted ? 'verify.seal.trust.yes' : 'verify.seal.trust.no';
}

function fileVerdict(locale: Locale, verdict: DocumentVerdict): { tone: string; body: SafeHtml } {
  switch (verdict.status) {
    case 'too-large':
      return {
        tone: 'bad',
        body: html`<h2 id="verdict-title">${t(locale, 'verify.tooLarge', { megabytes: Math.floor(verdict.maxBytes / 1048576) })}</h2>`,
      };
    case 'unreadable':
      return { tone: 'bad', body: html`<h2 id="verdict-title">${t(locale, 'verify.unreadable')}</h2>` };
    case 'no-seal':
      return {
        tone: 'none',
        body: html`<h2 id="verdict-title">${t(locale, 'verify.noSeal')}</h2>
<p>${verdict.otherSignatures === 0 ? t(locale, 'verify.noSeal.none') : t(locale, 'verify.noSeal.others', { count: verdict.otherSignatures })}</p>
${envelopeList(locale, verdict.envelopes)}
<p class="meta">SHA-256 <code class="hash">${verdict.sha256}</code></p>`,
      };
    case 'sealed': {
      const level = verdict.level
        ? `${verdict.level} — ${t(locale, `verify.level.${verdict.level}`)}`
        : t(locale, 'verify.level.none');
      const when = verdict.sealedAt
        ? `${formatUtc(locale, verdict.sealedAt)} (${t(locale, verdict.isTimeProven ? 'verify.seal.time.proven' : 'verify.seal.time.claimed')})`
        : t(locale, 'verify.seal.time.unknown');
      return {
        tone: verdict.isIntact && verdict.isTrusted && !verdict.isTestKey ? 'ok' : 'bad',
        body: html`<h2 id="verdict-title">${t(locale, verdict.isIntact ? 'verify.seal.intact' : 'verify.seal.modified')}</h2>
<dl class="facts">
${row(t(locale, 'verify.seal.by'), verdict.sealedBy)}
${row(t(locale, 'verify.seal.at'), when)}
${row(t(locale, 'verify.seal.integrity'), t(locale, verdict.isIntact ? 'verify.seal.integrity.ok' : 'verify.seal.integrity.bad'))}
${row(t(locale, 'verify.seal.trust'), t(locale, trustSentence(verdict)))}
${row(t(locale, 'verify.seal.level'), level)}
${row('SHA-256', html`<code class="hash">${verdict.sha256}</code>`)}
</dl>
${envelopeList(locale, verdict.envelopes)}`,
      };
    }
  }
}

function resultSection(locale: Locale, result: VerifierResult): SafeHtml {
  let tone: string;
  let body: SafeHtml;
  if (result.kind === 'file') ({ tone, body } = fileVerdict(locale, result.verdict));
  else if (result.kind === 'problem') {
    tone = 'bad';
    body = html`<h2 id="verdict-title">${t(locale, result.key)}</h2>`;
  } else if (result.envelopes.length === 0) {
    tone = 'none';
    body = html`<h2 id="verdict-title">${t(locale, 'verify.hash.unknown')}</h2><p class="meta"><code class="hash">${result.sha256}</code></p>`;
  } else {
    tone = 'ok';
    body = html`<h2 id="verdict-title">${t(locale, 'verify.hash.known')}</h2>
<p>${t(locale, 'verify.hash.knownBody')}</p>
${envelopeList(locale, result.envelopes)}`;
  }
  return html`<section class="verdict verdict-${tone}" role="status" aria-labelledby="verdict-title">${body}</section>`;
}

/**
 * /verifier: the verdict (after a POST) above the form. A plain multipart form, no script: a PDF
 * or a SHA-256, the PDF checked in memory and never kept.
 */
export function verifierPage(
  locale: Locale,
  input: { maxBytes: number; sha256: string; result?: VerifierResult },
): { title: string; body: SafeHtml } {
  const title = t(locale, 'verify.page.title');
  const body = html`<h1>${title}</h1>
<p>${t(locale, 'verify.page.intro')}</p>
${input.result ? resultSection(locale, input.result) : ''}
<form method="post" action="/verifier" enctype="multipart/form-data" class="stack verify-form">
  <label for="verify-pdf">${t(locale, 'verify.form.file')}</label>
  <input id="verify-pdf" name="pdf" type="file" accept="application/pdf,.pdf" aria-describedby="verify-pdf-hint">
  <p class="hint" id="verify-pdf-hint">${t(locale, 'verify.form.fileHint', { megabytes: Math.floor(input.maxBytes / 1048576) })}</p>
  <label for="verify-sha256">${t(locale, 'verify.form.hash')}</label>
  <input id="verify-sha256" name="sha256" type="text" autocomplete="off" spellcheck="false" autocapitalize="off" maxlength="80" value="${input.sha256}" aria-describedby="verify-sha256-hint">
  <p class="hint" id="verify-sha256-hint">${t(locale, 'verify.form.hashHint')}</p>
  <button type="submit" class="primary">${t(locale, 'verify.form.submit')}</button>
</form>`;
  return { title, body };
}
