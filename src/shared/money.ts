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
