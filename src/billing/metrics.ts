import { Counter, type Registry, register } from 'prom-client';
import type { BillingMetrics } from './types.js';

const byRegistry = new WeakMap<Registry, BillingMetrics>();

/** The billing counters, registered once on `registry` (default: prom-client's global one). */
export function billingMetrics(registry: Registry = register): BillingMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: BillingMetrics = {
    signatures: new Counter({
      name: 'paraphe_billing_signatures_total',
      help: 'Signatures received, by ledger entry kind (charge or free)',
      labelNames: ['kind'],
      registers,
    }),
    chargedCents: new Counter({
      name: 'paraphe_billing_charged_cents_total',
      help: 'Euro cents (before VAT) charged for signatures received',
      registers,
    }),
    credits: new Counter({
      name: 'paraphe_billing_credits_total',
      help: 'Credits (top-ups) written to the ledger, by who made them',
      labelNames: ['actor'],
      registers,
    }),
    creditedCents: new Counter({
      name: 'paraphe_billing_credited_cents_total',
      help: 'Euro cents (before VAT) credited, by who made them',
      labelNames: ['actor'],
      registers,
    }),
    refusedForBalance: new Counter({
      name: 'paraphe_billing_requests_refused_total',
      help: '*SIGN requests refused because the available balance did not cover them',
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
