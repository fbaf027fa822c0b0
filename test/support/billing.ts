import type { BillingDeps, BillingRules } from '../../src/billing/index.js';
import type { Clock } from '../../src/shared/clock.js';
import type { Ids } from '../../src/shared/ids.js';

/** The configuration's defaults: 100 cents HT, 10th signature in 30 days charged, VAT 20 %. */
export function testBillingRules(overrides: Partial<BillingRules> = {}): BillingRules {
  return {
    priceCents: 100,
    freeThreshold: 10,
    windowDays: 30,
    vatRateBasisPoints: 2000,
    topUpUrl: 'https://sign.example.test/account',
    ...overrides,
  };
}

/**
 * Billing for tests about something else: a free window so large no request is ever refused for
 * balance, while every hold, charge and release still goes through the ledger.
 */
export function unmeteredBilling(deps: { clock: Clock; ids: Ids }): BillingDeps {
  return { clock: deps.clock, ids: deps.ids, rules: testBillingRules({ freeThreshold: 1_000_000 }) };
}
