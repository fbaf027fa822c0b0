import { Counter, type Registry, register } from 'prom-client';

/** What the SMS domain counts for /metrics: cost (sent), trouble (failures) and abuse (refusals). */
export interface SmsMetrics {
  sent: Counter<'provider' | 'purpose'>;
  failures: Counter<'provider' | 'reason' | 'transient'>;
  refused: Counter<'reason'>;
  checks: Counter<'result'>;
  deliveryReceipts: Counter<'provider' | 'status'>;
}

const byRegistry = new WeakMap<Registry, SmsMetrics>();

/**
 * The SMS counters, registered once on `registry` (default: prom-client's global one, which the
 * web app's /metrics serves). Calling again with the same registry returns the same counters.
 */
export function smsMetrics(registry: Registry = register): SmsMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: SmsMetrics = {
    sent: new Counter({
      name: 'paraphe_sms_sent_total',
      help: 'SMS accepted by the provider',
      labelNames: ['provider', 'purpose'],
      registers,
    }),
    failures: new Counter({
      name: 'paraphe_sms_send_failures_total',
      help: 'SMS send attempts that failed, by reason; transient ones are retried',
      labelNames: ['provider', 'reason', 'transient'],
      registers,
    }),
    refused: new Counter({
      name: 'paraphe_sms_requests_refused_total',
      help: 'Code requests refused before sending (invalid number, rate limits)',
      labelNames: ['reason'],
      registers,
    }),
    checks: new Counter({
      name: 'paraphe_otp_checks_total',
      help: 'One-time code checks by result',
      labelNames: ['result'],
      registers,
    }),
    deliveryReceipts: new Counter({
      name: 'paraphe_sms_delivery_receipts_total',
      help: 'Delivery receipts received from the provider, by status',
      labelNames: ['provider', 'status'],
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
