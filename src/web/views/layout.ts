import { type Locale, t } from '../../shared/i18n/index.js';
import { html, type SafeHtml } from './html.js';

export interface LayoutOptions {
  locale: Locale;
  title: string;
  body: SafeHtml;
  /** Path and query of the current page, to build the language switch link. */
  currentUrl: string;
  isDev?: boolean;
  /** Extra scripts (same-origin files only: the CSP allows no inline script). */
  scripts?: string[];
  /**
   * Files the page's scripts will ask for later (the PDF worker): fetched alongside the scripts
   * instead of after them, which is one round trip less before the first page shows on a phone.
   */
  preloads?: string[];
  /** Keep search engines away (signing pages carry personal data). */
  isPrivate?: boolean;
}

/** The same URL with `lang` set, so the switch keeps the reader on the page they were reading. */
export function withLang(currentUrl: string, lang: Locale): string {
  const url = new URL(currentUrl, 'http://x');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

/**
 * The page frame: one column that reads well from a 360 px phone to a desktop, a skip link,
 * the language switch, and no inline script or style (the CSP forbids both).
 */
export function layout(options: LayoutOptions): string {
  const { locale } = options;
  const other: Locale = locale === 'fr' ? 'en' : 'fr';
  return `<!doctype html>${html`<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.isPrivate ? html`<meta name="robots" content="noindex, nofollow">` : ''}
<title>${options.title} · ${t(locale, 'app.name')}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
${(options.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
${(options.preloads ?? []).map((href) => html`<link rel="modulepreload" href="${href}">`)}
</head>
<body>
<a class="skip" href="#main">${t(locale, 'nav.skip')}</a>
<header class="top">
  <a class="brand" href="/">${t(locale, 'app.name')}</a>
  <a class="lang" href="${withLang(options.currentUrl, other)}" hreflang="${other}" lang="${other}"
     aria-label="${t(locale, 'lang.switch.label')}">${t(locale, 'lang.switch')}</a>
</header>
${options.isDev ? html`<p class="dev-banner" role="note">${t(locale, 'dev.banner')}</p>` : ''}
<main id="main">
${options.body}
</main>
</body>
</html>`}`;
}
