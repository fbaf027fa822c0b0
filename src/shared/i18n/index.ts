import { defaultLocale, type Locale, locales } from './define.js';
import { fill } from './fill.js';
import { auditMessages } from './messages/audit.js';
import { billingMessages } from './messages/billing.js';
import { commonMessages } from './messages/common.js';
import { envelopesMessages } from './messages/envelopes.js';
import { keysMessages } from './messages/keys.js';
import { mailMessages } from './messages/mail.js';
import { pdfMessages } from './messages/pdf.js';
import { signingMessages } from './messages/signing.js';
import { smsMessages } from './messages/sms.js';
import { verificationMessages } from './messages/verification.js';

export { defaultLocale, defineMessages, type Locale, locales } from './define.js';

/**
 * Every domain's catalogue, merged. A domain adds its product text as one file in messages/ and one
 * line here, so parallel work never edits the same table.
 */
const catalogues = [
  commonMessages,
  keysMessages,
  pdfMessages,
  smsMessages,
  envelopesMessages,
  mailMessages,
  signingMessages,
  auditMessages,
  billingMessages,
  verificationMessages,
] as const;

const tables: Record<Locale, Map<string, string>> = { fr: new Map(), en: new Map() };
for (const catalogue of catalogues) {
  for (const locale of locales) {
    for (const [key, value] of Object.entries(catalogue[locale])) {
      if (tables[locale].has(key)) throw new Error(`i18n key defined twice: ${key}`);
      tables[locale].set(key, value);
    }
  }
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export function hasMessage(key: string): boolean {
  return tables.fr.has(key);
}

/**
 * The sentence for `key` in `locale`, with its placeholders filled (see `fill`). An unknown key is a
 * programming error and throws, so a missing text never reaches a person as a raw key.
 */
export function t(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const template = tables[locale].get(key);
  if (template === undefined) throw new Error(`unknown i18n key: ${key}`);
  return fill(locale, template, params);
}

/** Picks the best supported language from an Accept-Language header (French when nothing matches). */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return defaultLocale;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const entry of ranked) if (isLocale(entry.lang)) return entry.lang;
  return defaultLocale;
}

/** Every key and its sentence in one language: for checks over the whole catalogue (typography). */
export function catalogueEntries(locale: Locale): [key: string, text: string][] {
  return [...tables[locale]];
}
