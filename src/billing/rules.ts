import type { BillingRules } from './types.js';

const DAY_MS = 86_400_000;

/** The earliest instant still inside the window at `now`: an entry exactly this old has left it. */
export function windowStart(now: Date, rules: BillingRules): Date {
  return new Date(now.getTime() - rules.windowDays * DAY_MS);
}

/** How many signatures a window may hold and stay free (threshold 10 → 9). */
export function freeAllowance(rules: BillingRules): number {
  return Math.max(0, rules.freeThreshold - 1);
}

/**
 * The price rule: a signature is free when, counting it, the account has received at most
 * `freeThreshold − 1` in the window; from the threshold on each costs the price.
 */
export function isFreeSignature(input: { receivedInWindow: number; rules: BillingRules }): boolean {
  return input.receivedInWindow + 1 <= freeAllowance(input.rules);
}

/**
 * What an account must hold for its open requests: the signers still expected, beyond the free
 * signatures the window is sure to leave, times the price. Whatever order they sign in, the
 * first `allowance − received` of them count at most that many in any later window, so they are
 * free; the others may each cost the price. The amount never grows while time passes (older
 * signatures leave the window), so holding it at each event is enough.
 */
export function requiredHeldCents(input: {
  pendingSigners: number;
  receivedInWindow: number;
  rules: BillingRules;
}): number {
  const surelyFree = Math.max(0, freeAllowance(input.rules) - input.receivedInWindow);
  return Math.max(0, input.pendingSigners - surelyFree) * input.rules.priceCents;
}

/** VAT on an amount before tax, rounded to the cent (half away from zero). */
export function vatCents(amountCents: number, rules: Pick<BillingRules, 'vatRateBasisPoints'>): number {
  return Math.round((amountCents * rules.vatRateBasisPoints) / 10_000);
}
