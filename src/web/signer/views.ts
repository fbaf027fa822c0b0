import type { EnvelopeStatus } from '../../envelopes/index.js';
import { type Locale, t } from '../../shared/i18n/index.js';
import type { SigningView } from '../../signing/index.js';
import { html, raw, type SafeHtml } from '../views/html.js';

/** Sentences the browser code shows itself (errors, counters), in the page's language. */
const CLIENT_KEYS = [
  'signing.draw.tooShort',
  'signing.type.tooShort',
  'signing.place.title',
  'signing.place.none',
  'signing.place.count',
  'signing.place.page',
  'signing.place.stamp',
  'signing.place.remove',
  'signing.place.missing',
  'signing.place.failed',
  'signing.submit.needCode',
  'signing.submit.needConsent',
  'signing.submit.sending',
  'signing.submit.button',
  'signing.submit.network',
  'signing.code.resendIn',
];

/** A JSON data block (never executed, so the CSP allows it); `<` escaped so it cannot close the tag. */
function clientText(locale: Locale): SafeHtml {
  const json = JSON.stringify(Object.fromEntries(CLIENT_KEYS.map((k) => [k, t(locale, k)]))).replace(
    /</g,
    '\\u003c',
  );
  return raw(`<script type="application/json" id="signing-text">${json}</script>`);
}

function documentList(locale: Locale, view: SigningView): SafeHtml {
  return html`<ul class="sign-docs">${view.documents.map(
    (d) =>
      html`<li>${d.fileName} <span class="meta">(${t(locale, 'signing.page.pages', { count: d.pageCount })})</span></li>`,
  )}</ul>`;
}

function intro(locale: Locale, view: SigningView): SafeHtml {
  return html`<p class="sign-from">${t(locale, 'signing.page.asks', { sender: view.envelope.senderAddress, subject: view.envelope.subject })}</p>`;
}

/**
 * What a signer who has signed reads next, one sentence per envelope status: the others to come,
 * the sealed documents, or why nothing will be signed. A Record, so a new status cannot reach this
 * page without its own true sentence.
 */
const SIGNED_NEXT: Record<EnvelopeStatus, string> = {
  pending: 'signing.state.signed.next',
  sealing: 'signing.state.signed.sealing',
  completed: 'signing.state.signed.completed',
  declined: 'signing.state.signed.declined',
  expired: 'signing.state.signed.expired',
  cancelled: 'signing.state.signed.cancelled',
  seal_failed: 'signing.state.signed.sealFailed',
};

/** The page for every state but "your turn": one clear sentence of what happened and what comes next. */
export function statePage(
  locale: Locale,
  view: SigningView,
  justSigned: boolean,
): { title: string; body: SafeHtml } {
  const key = `signing.state.${view.state}`;
  const title = t(locale, justSigned ? 'signing.state.thanks.title' : `${key}.title`);
  const params = {
    waitingFor: view.waitingFor ?? '',
    sender: view.envelope.senderAddress,
    count: view.signedCount,
    total: view.signers.length,
    decliner: view.signers.find((s) => s.status === 'declined')?.address ?? '',
  };
  const body = html`<section class="sign-state sign-state-${view.state}" aria-labelledby="state-title">
<h1 id="state-title">${title}</h1>
${intro(locale, view)}
<p class="notice" role="status">${t(locale, `${key}.body`, params)}</p>
${view.state === 'signed' ? html`<p>${t(locale, SIGNED_NEXT[view.envelopeStatus], params)}</p>` : ''}
${documentList(locale, view)}
</section>`;
  return { title, body };
}

/** The signing page itself: draw, place on each document, confirm the phone, consent, sign. */
export function signPage(
  locale: Locale,
  view: SigningView,
  input: { token: string; csrf: string },
): { title: string; body: SafeHtml } {
  const title = t(locale, 'signing.page.title');
  const order = t(locale, 'signing.page.order', {
    position: view.signer.position,
    total: view.signers.length,
  });
  const body = html`${clientText(locale)}<div id="signing-app" data-locale="${locale}" data-csrf="${input.csrf}" data-base="/s/${input.token}">
<h1>${title}</h1>
${intro(locale, view)}
<p class="meta">${order}</p>
<noscript><p class="error">${t(locale, 'signing.page.noscript')}</p></noscript>

<section class="step" aria-labelledby="step-draw">
<h2 id="step-draw"><span class="step-n">1</span> ${t(locale, 'signing.draw.title')}</h2>
<div class="tabs" role="tablist" aria-label="${t(locale, 'signing.draw.mode')}">
  <button type="button" role="tab" id="tab-draw" aria-selected="true" aria-controls="panel-draw">${t(locale, 'signing.draw.tab')}</button>
  <button type="button" role="tab" id="tab-type" aria-selected="false" aria-controls="panel-type" tabindex="-1">${t(locale, 'signing.type.tab')}</button>
</div>
<div id="panel-draw" role="tabpanel" aria-labelledby="tab-draw">
  <p class="hint" id="pad-hint">${t(locale, 'signing.draw.hint')}</p>
  <div class="pad-wrap"><canvas id="pad" class="pad" role="img" aria-label="${t(locale, 'signing.draw.label')}" aria-describedby="pad-hint"></canvas></div>
  <div class="row">
    <button type="button" id="pad-undo" class="secondary">${t(locale, 'signing.draw.undo')}</button>
    <button type="button" id="pad-redo" class="secondary">${t(locale, 'signing.draw.redo')}</button>
    <button type="button" id="pad-clear" class="secondary">${t(locale, 'signing.draw.clear')}</button>
  </div>
</div>
<div id="panel-type" role="tabpanel" aria-labelledby="tab-type" hidden>
  <label for="typed-name">${t(locale, 'signing.type.label')}</label>
  <input id="typed-name" type="text" autocomplete="name" maxlength="60" value="${view.signer.displayName ?? ''}">
  <canvas id="typed-preview" class="typed-preview" role="img" aria-label="${t(locale, 'signing.type.preview')}"></canvas>
</div>
<p class="error" id="draw-error" role="alert" hidden></p>
</section>

<section class="step" aria-labelledby="step-place">
<h2 id="step-place"><span class="step-n">2</span> ${t(locale, 'signing.place.title')}</h2>
<p class="hint">${t(locale, 'signing.place.hint')}</p>
${view.documents.map(
  (
    d,
  ) => html`<div class="doc" data-doc-id="${d.id}" data-src="/s/${input.token}/documents/${d.position}" data-pages="${d.pageCount}" data-name="${d.fileName}">
  <div class="doc-head">
    <h3>${d.fileName}</h3>
    <div class="row zoom">
      <button type="button" class="secondary zoom-out" aria-label="${t(locale, 'signing.place.zoomOut')}">−</button>
      <button type="button" class="secondary zoom-in" aria-label="${t(locale, 'signing.place.zoomIn')}">+</button>
    </div>
  </div>
  <p class="doc-status meta" aria-live="polite">${t(locale, 'signing.place.none')}</p>
  <div class="pages"><p class="meta loading">${t(locale, 'signing.place.loading')}</p></div>
</div>`,
)}
<p class="error" id="place-error" role="alert" hidden></p>
</section>

<section class="step" aria-labelledby="step-phone">
<h2 id="step-phone"><span class="step-n">3</span> ${t(locale, 'signing.phone.title')}</h2>
<form id="phone-form" class="stack" novalidate>
  <label for="phone">${t(locale, 'signing.phone.label')}</label>
  <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required aria-describedby="phone-hint">
  <p class="hint" id="phone-hint">${t(locale, 'signing.phone.hint')}</p>
  <button type="submit" id="phone-send">${t(locale, 'signing.phone.send')}</button>
</form>
<form id="code-form" class="stack" novalidate hidden>
  <p id="code-sent" role="status"></p>
  <label for="code">${t(locale, 'signing.code.label')}</label>
  <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required>
  <div class="row">
    <button type="submit" id="code-check">${t(locale, 'signing.code.check')}</button>
    <button type="button" id="code-resend" class="secondary">${t(locale, 'signing.code.resend')}</button>
  </div>
  <p class="hint" id="code-resend-in" hidden></p>
</form>
<p class="ok" id="code-ok" role="status" hidden>${t(locale, 'signing.code.confirmed')}</p>
<p class="error" id="phone-error" role="alert" hidden></p>
</section>

<section class="step" aria-labelledby="step-sign">
<h2 id="step-sign"><span class="step-n">4</span> ${t(locale, 'signing.submit.title')}</h2>
<div class="consent"><input type="checkbox" id="consent"><label for="consent">${t(locale, 'signing.submit.consent')}</label></div>
<button type="button" id="sign" class="primary">${t(locale, 'signing.submit.button')}</button>
<p class="error" id="sign-error" role="alert" hidden></p>
</section>
</div>

<details class="decline">
<summary>${t(locale, 'signing.decline.open')}</summary>
<form method="post" action="/s/${input.token}/decline" class="stack">
  <input type="hidden" name="_csrf" value="${input.csrf}">
  <label for="decline-reason">${t(locale, 'signing.decline.reason')}</label>
  <textarea id="decline-reason" name="reason" maxlength="1000" rows="3"></textarea>
  <button type="submit" class="danger">${t(locale, 'signing.decline.button')}</button>
</form>
</details>`;
  return { title, body };
}
