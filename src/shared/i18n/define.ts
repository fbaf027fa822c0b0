export const locales = ['fr', 'en'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'fr';

/**
 * One domain's product text in both languages. The English table must have exactly the French
 * keys: a missing translation is a type error, not a surprise in production.
 */
export function defineMessages<const K extends string>(messages: {
  fr: Record<K, string>;
  en: NoInfer<Record<K, string>>;
}): { fr: Record<K, string>; en: Record<K, string> } {
  return messages;
}
