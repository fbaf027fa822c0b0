/** Money is integer euro cents everywhere; formatting is the only place it becomes a decimal. */
export type Cents = number;

export function assertCents(amountCents: number): Cents {
  if (!Number.isSafeInteger(amountCents))
    throw new RangeError(`not an integer amount of cents: ${amountCents}`);
  return amountCents;
}

export function formatCents(amountCents: Cents, locale: 'fr' | 'en'): string {
  return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-IE', {
    style: 'currency',
    currency: 'EUR',
  }).format(assertCents(amountCents) / 100);
}

/**
 * An amount of euros typed by a person ("50", "12.50", "12,5") as cents; anything else (negative,
 * three decimals, words) is null rather than guessed.
 */
export function parseEuros(text: string): Cents | null {
  const match = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
