import { Gauge, type Registry } from 'prom-client';
import type { Queryable } from '../db/index.js';
import { countEnvelopes } from '../envelopes/index.js';

/**
 * Envelopes that wait for an operator: their seal failed for good (`seal_failed`), so nothing
 * will happen until someone cancels or reseals them. Worth an alert above zero.
 */
export function registerEnvelopeGauges(registry: Registry, db: Queryable): void {
  new Gauge({
    name: 'paraphe_envelopes_seal_failed',
    help: 'Envelopes whose seal failed for a permanent reason and wait for an operator (cancel or reseal)',
    registers: [registry],
    async collect() {
      this.set(await countEnvelopes(db, { status: 'seal_failed' }));
    },
  });
}
