/** One PluralRules per language: building one costs more than filling a whole page of text. */
const pluralRules = new Map<string, Intl.PluralRules>();
function isOne(locale: string, value: number): boolean {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(value) === 'one';
}

/**
 * Fills a catalogue template. `{name}` is replaced by the parameter; `{name|one|other}` picks the
 * word that agrees with the number in `name` by the language's plural rules (in French 0 and 1 are
 * singular, in English only 1), so people read "1 page" and "3 pages", never "page(s)". Unknown
 * parameters stay visible rather than vanish. Shared by the server and the signing page's script.
 */
export function fill(locale: string, template: string, params: Record<string, string | number>): string {
  if (!template.includes('{')) return template;
  return template.replace(
    /\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g,
    (whole, name: string, one?: string, other?: string) => {
      if (!(name in params)) return whole;
      if (one === undefined) return String(params[name]);
      return isOne(locale, Number(params[name])) ? one : (other ?? '');
    },
  );
}
